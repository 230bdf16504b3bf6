"""A TEST server that speaks the part of the Hugging Face Hub HTTP API that huggingface_hub 2.x and datasets 5.x
use to push a dataset or model repo and load it back. Never use it for anything but tests.

It listens on 127.0.0.1 (port 0: the OS picks a free one) in a background thread and stores what it receives on
disk, so a round trip is real::

    <root>/<type>s/<ns>/<name>/main/...      the files at revision "main" (the only branch); <type>: dataset|model
    <root>/<type>s/<ns>/<name>/lfs/<sha256>  uploaded LFS objects (committed or not)
    <root>/<type>s/<ns>/<name>/repo.json     visibility, commit history, which paths are LFS

Point a client at it by setting ``HF_ENDPOINT`` (read when huggingface_hub is imported, so in a subprocess's
environment) and ``HF_HUB_DISABLE_XET=1`` (plain LFS uploads). Dataset and model repos exist here (no spaces).
Revisions are ``main`` or the current head commit; there are no branches, tags or pull requests.

Writes need ``Authorization: Bearer <token>``; a request with any other token gets 401 like the real Hub.
Fault switches (attributes; ``clear_faults()`` resets them, ``fault_times`` limits how many requests they hit):
``fail_commit_with`` (an HTTP status for every commit), ``drop_connection_on_upload`` (the socket is closed
half-way through the request body, with no reply: True for LFS uploads and commits, or only ``"lfs"`` or only
``"commit"``) and ``reject_token`` (401 for any token).
Requests it cannot serve (no route: 404; a bug in this server: 500) are kept in ``unhandled``, so a test can
assert that the client used nothing this server does not implement.
"""

from __future__ import annotations

import base64
import contextlib
import fnmatch
import hashlib
import json
import re
import secrets
import shutil
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from urllib.parse import parse_qs, quote, unquote, urlsplit

PAGE_SIZE = 50  # entries per tree page (the Hub: 1000, or 50 with expand); small so pagination is exercised
LFS_PATTERNS = ("*.parquet", "*.arrow", "*.png", "*.jpg", "*.jpeg", "*.bin", "*.safetensors", "*.gz", "*.zip")
GITATTRIBUTES = "".join(f"{p} filter=lfs diff=lfs merge=lfs -text\n" for p in LFS_PATTERNS)
INVALID_TOKEN = "Invalid credentials in Authorization header"  # the Hub's X-Error-Message for a bad token
REPO = r"(?P<repo>\w[\w.-]*/\w[\w.-]*)"  # no leading dot: a repo id never climbs out of the storage folder
KIND = r"(?P<kind>models|datasets)"  # the API names the repo type in the path
WEB = r"/(?:(?P<kind>datasets)/)?"  # web/git paths: /datasets/<repo>/... for datasets, /<repo>/... for models


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())


def _git_oid(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _lfs_pointer(oid: str, size: int) -> bytes:
    return f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize {size}\n".encode()


class HubError(Exception):
    def __init__(self, status: int, message: str, code: str | None = None, **extra):
        super().__init__(message)
        self.status, self.message, self.code, self.extra = status, message, code, extra


class HubServer:
    """Start with ``with HubServer(root, token) as hub:`` (or ``start()``/``stop()``); ``hub.url`` is the endpoint."""

    def __init__(self, root: str | Path, token: str, user: str = "ns"):
        self.root, self.token, self.user = Path(root), token, user
        self.lock = threading.RLock()
        self.log: list[tuple[str, str, int | str]] = []  # (method, path, status or "dropped"); never headers
        self.unhandled: list[str] = []  # "METHOD /path" of requests no route knows, or that crashed a handler
        self._uploads: dict[str, tuple[Path, str, int]] = {}  # nonce of a handed-out upload URL → (repo, oid, size)
        self.clear_faults()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.hub = self
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def clear_faults(self) -> None:
        self.fail_commit_with: int | None = None
        self.drop_connection_on_upload: bool | str = False  # True, "lfs" or "commit"
        self.reject_token = False
        self.fault_times: int | None = None  # None: until cleared

    def _drops(self, kind: str) -> bool:
        return self.drop_connection_on_upload in (True, kind) and self._fault_fires()

    def _fault_fires(self) -> bool:
        with self.lock:
            if self.fault_times is None:
                return True
            if self.fault_times <= 0:
                return False
            self.fault_times -= 1
            return True

    def start(self) -> HubServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="hub-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:  # shutdown() would wait forever for a loop that never ran
            self._httpd.shutdown()
            self._thread.join(timeout=10)
        self._httpd.server_close()

    def __enter__(self) -> HubServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def web_url(self, repo_id: str, repo_type: str = "dataset") -> str:
        """The repo's URL as the Hub writes it: /datasets/<id> for datasets, /<id> for models."""
        return f"{self.url}/datasets/{repo_id}" if repo_type == "dataset" else f"{self.url}/{repo_id}"

    # ---- storage -------------------------------------------------------------------------------------------------
    def repo_dir(self, repo_id: str, repo_type: str = "dataset") -> Path:
        return self.root / f"{repo_type}s" / repo_id

    def files(self, repo_id: str, repo_type: str = "dataset") -> Path:
        """The folder holding the repo's files at ``main``."""
        return self.repo_dir(repo_id, repo_type) / "main"

    def commits(self, repo_id: str, repo_type: str = "dataset") -> list[dict]:
        """The repo's commit history, oldest first: ``{"id", "title", "date"}`` each."""
        return self._meta(repo_id, repo_type)["commits"]

    def _meta(self, repo_id: str, repo_type: str = "dataset") -> dict:
        path = self.repo_dir(repo_id, repo_type) / "repo.json"
        if not path.is_file():
            raise HubError(404, f"Repository {repo_id} not found", "RepoNotFound")
        return json.loads(path.read_text())

    def _save_meta(self, repo_id: str, meta: dict, repo_type: str = "dataset") -> None:
        (self.repo_dir(repo_id, repo_type) / "repo.json").write_text(json.dumps(meta, indent=1))

    def _check_revision(self, meta: dict, revision: str) -> None:
        if revision not in ("main", meta["commits"][-1]["id"]):
            raise HubError(404, f"Revision {revision} not found", "RevisionNotFound")

    def create_repo(self, repo_id: str, private: bool, repo_type: str = "dataset") -> bool:
        """Create an empty repo (one commit adding .gitattributes); False if it exists already."""
        with self.lock:
            if (self.repo_dir(repo_id, repo_type) / "repo.json").is_file():
                return False
            self.files(repo_id, repo_type).mkdir(parents=True)
            (self.repo_dir(repo_id, repo_type) / "lfs").mkdir()
            (self.files(repo_id, repo_type) / ".gitattributes").write_text(GITATTRIBUTES)
            meta = {"private": private, "created": _now(), "commits": [], "lfs": {}}
            self._add_commit(meta, "initial commit")
            self._save_meta(repo_id, meta, repo_type)
            return True

    @staticmethod
    def _add_commit(meta: dict, title: str) -> str:
        parent = meta["commits"][-1]["id"] if meta["commits"] else ""
        oid = hashlib.sha1(f"{parent}\n{title}\n{time.time_ns()}\n{secrets.token_hex(4)}".encode()).hexdigest()
        meta["commits"].append({"id": oid, "title": title, "date": _now()})
        return oid

    def _entry(self, repo_id: str, repo_type: str, meta: dict, rel: str, expand: bool) -> dict:
        path = self.files(repo_id, repo_type) / rel
        last = meta["commits"][-1]
        if path.is_dir():
            entry = {"type": "directory", "path": rel, "oid": hashlib.sha1(f"{rel}@{last['id']}".encode()).hexdigest()}
        else:
            data = path.read_bytes()
            lfs = meta["lfs"].get(rel)
            if lfs:
                pointer = _lfs_pointer(lfs, len(data))
                entry = {"type": "file", "path": rel, "size": len(data), "oid": _git_oid(pointer)}
                entry["lfs"] = {"oid": lfs, "size": len(data), "pointerSize": len(pointer)}
            else:
                entry = {"type": "file", "path": rel, "size": len(data), "oid": _git_oid(data)}
        if expand:
            entry["lastCommit"] = last
        return entry

    def _listing(self, repo_id: str, repo_type: str, rel: str, recursive: bool) -> list[str]:
        base = self._safe_path(repo_id, repo_type, rel) if rel else self.files(repo_id, repo_type)
        if not base.is_dir():
            if base.is_file():
                return [rel]
            raise HubError(404, f"Entry {rel} not found", "EntryNotFound")
        found = base.rglob("*") if recursive else base.iterdir()
        return sorted(p.relative_to(self.files(repo_id, repo_type)).as_posix() for p in found)

    def _safe_path(self, repo_id: str, repo_type: str, rel: str) -> Path:
        parts = PurePosixPath(rel).parts
        if not rel or rel.startswith("/") or ".." in parts:
            raise HubError(400, f"Invalid path in repo: {rel!r}")
        return self.files(repo_id, repo_type) / rel

    def commit(self, repo_id: str, repo_type: str, lines: list[dict]) -> str:
        """Apply one NDJSON commit (header, file, lfsFile, deletedFile, deletedFolder) atomically."""
        with self.lock:
            meta = self._meta(repo_id, repo_type)
            header = next((op["value"] for op in lines if op.get("key") == "header"), None)
            if header is None or not header.get("summary"):
                raise HubError(400, "commit needs a header line with a summary")
            parent = header.get("parentCommit")
            if parent and not meta["commits"][-1]["id"].startswith(parent):
                raise HubError(412, "A commit has happened since the parent commit. Please retry.")
            staged: list[tuple[str, bytes | None, str | None]] = []  # (path, data or None to delete, lfs oid)
            for op in lines:
                key, value = op.get("key"), op.get("value", {})
                if key == "header":
                    continue
                self._safe_path(repo_id, repo_type, value.get("path", ""))
                if key == "file":
                    staged.append((value["path"], base64.b64decode(value["content"]), None))
                elif key == "lfsFile":
                    blob = self.repo_dir(repo_id, repo_type) / "lfs" / value["oid"]
                    if not blob.is_file():
                        raise HubError(422, f"LFS object {value['oid']} for {value['path']} was never uploaded")
                    staged.append((value["path"], blob.read_bytes(), value["oid"]))
                elif key in ("deletedFile", "deletedFolder"):
                    staged.append((value["path"].rstrip("/"), None, None))
                else:
                    raise HubError(400, f"unknown commit operation {key!r}")
            for rel, data, lfs in staged:  # validated above: apply
                target = self.files(repo_id, repo_type) / rel
                if data is None:
                    shutil.rmtree(target) if target.is_dir() else target.unlink(missing_ok=True)
                    meta["lfs"] = {p: o for p, o in meta["lfs"].items() if p != rel and not p.startswith(rel + "/")}
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
                meta["lfs"].pop(rel, None)
                if lfs:
                    meta["lfs"][rel] = lfs
            oid = self._add_commit(meta, header["summary"])
            self._save_meta(repo_id, meta, repo_type)
            return oid


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as httpx expects
    timeout = 30  # an idle keep-alive connection frees its thread after this long
    server_version = "s2r-test-hub/1"
    wbufsize = 1 << 16  # headers and body leave in one write (handle_one_request flushes after each reply)
    disable_nagle_algorithm = True

    @property
    def hub(self) -> HubServer:
        return self.server.hub

    # ---- plumbing ------------------------------------------------------------------------------------------------
    def log_message(self, *args) -> None:  # quiet; requests go to hub.log instead
        pass

    def log_request(self, code="-", size="-") -> None:
        self.hub.log.append((self.command, self.path.split("?")[0], int(code)))

    def _body(self) -> bytes:
        self.body_read = True
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):  # trailers
                pass
            return b"".join(chunks)
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _drop(self) -> None:
        """Read part of the request body, then cut the connection without a reply."""
        size = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(size // 2) if size else self.rfile.readline()
        self.hub.log.append((self.command, self.path.split("?")[0], "dropped"))
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _send(self, status: int, body: bytes | dict | list = b"", headers: dict | None = None) -> None:
        if not isinstance(body, bytes):
            body = json.dumps(body).encode()
            headers = {"Content-Type": "application/json", **(headers or {})}
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, str(value))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, err: HubError) -> None:
        headers = {"X-Error-Message": err.message}
        if err.code:
            headers["X-Error-Code"] = err.code
        self._send(err.status, {"error": err.message, **err.extra}, headers)

    def _auth(self, required: bool) -> None:
        header = self.headers.get("Authorization")
        if header is None:
            if required:
                raise HubError(401, "You must be authenticated to do this")
            return
        if (self.hub.reject_token and self.hub._fault_fires()) or header != f"Bearer {self.hub.token}":
            raise HubError(401, INVALID_TOKEN)

    def _readable(self, repo: str) -> dict:
        """The repo's metadata if this request may read it (private repos need the token)."""
        meta = self.hub._meta(repo, self.repo_type)
        if meta["private"] and self.headers.get("Authorization") is None:
            raise HubError(404, f"Repository {repo} not found", "RepoNotFound")
        return meta

    def _dispatch(self) -> None:
        url = urlsplit(self.path)
        self.query, self.body_read, self.repo_type = parse_qs(url.query), False, "dataset"
        try:
            for method, pattern, name in ROUTES:
                match = re.fullmatch(pattern, url.path)
                if match and self.command in method.split("|"):
                    args = {k: unquote(v) for k, v in match.groupdict().items() if v is not None}
                    self.repo_type = "dataset" if args.pop("kind", None) == "datasets" else "model"
                    getattr(self, name)(**args)
                    return
            self.hub.unhandled.append(f"{self.command} {url.path}")
            raise HubError(404, f"no route for {self.command} {url.path} in the test hub server")
        except Exception as err:
            if not isinstance(err, HubError):
                self.hub.unhandled.append(f"{self.command} {url.path}: {type(err).__name__}: {err}")
                err = HubError(500, f"test hub server error: {type(err).__name__}: {err}")
            if self.command in ("POST", "PUT") and not self.body_read:
                # Drain the unread body before answering: closing a socket with unread input makes the kernel
                # send RST, which can destroy the error reply before the client reads it.
                if int(self.headers.get("Content-Length") or 0) <= 64 << 20:
                    with contextlib.suppress(OSError, ValueError):
                        self._body()
                else:
                    self.close_connection = True
            self._error(err)

    do_GET = do_HEAD = do_POST = do_PUT = _dispatch

    # ---- endpoints -----------------------------------------------------------------------------------------------
    def whoami(self) -> None:
        self._auth(required=True)
        access = {"displayName": "s2r-test", "role": "write"}
        self._send(200, {"type": "user", "name": self.hub.user, "orgs": [], "auth": {"accessToken": access}})

    def agent_harnesses(self) -> None:  # huggingface_hub's best-effort agent detection: an empty registry
        self._send(200, {"standardEnvVars": [], "harnesses": {}})

    def validate_yaml(self) -> None:
        self._auth(required=False)
        content = json.loads(self._body() or b"{}").get("content", "")
        bad = content.startswith("---") and "\n---" not in content[3:]
        errors = [{"message": "README.md metadata block is not closed with ---"}] if bad else []
        self._send(400 if bad else 200, {"errors": errors, "warnings": []})

    def create_repo_endpoint(self) -> None:
        self._auth(required=True)
        payload = json.loads(self._body() or b"{}")
        namespace = payload.get("organization") or self.hub.user
        repo_type = payload.get("type") or "model"
        if repo_type not in ("dataset", "model"):
            raise HubError(400, "this test server only hosts dataset and model repos")
        if namespace != self.hub.user:
            raise HubError(403, f"You don't have the rights to create a {repo_type} under the namespace {namespace!r}")
        repo = f"{namespace}/{payload['name']}"
        private = bool(payload.get("private")) or payload.get("visibility") == "private"
        url = self.hub.web_url(repo, repo_type)
        if not self.hub.create_repo(repo, private, repo_type):
            raise HubError(409, f"You already created this {repo_type} repo", url=url)
        self._send(200, {"url": url, "name": repo})

    def repo_info(self, repo: str, revision: str = "main") -> None:
        self._auth(required=False)
        with self.hub.lock:
            meta = self._readable(repo)
            self.hub._check_revision(meta, revision)
            rt = self.repo_type
            files = [p for p in self.hub._listing(repo, rt, "", True) if (self.hub.files(repo, rt) / p).is_file()]
            head = meta["commits"][-1]
        info = {"_id": hashlib.sha1(repo.encode()).hexdigest()[:24], "id": repo, "author": repo.split("/")[0]}
        info |= {"sha": head["id"], "private": meta["private"], "gated": False, "disabled": False, "likes": 0}
        info |= {"downloads": 0, "tags": [], "createdAt": meta["created"], "lastModified": head["date"]}
        self._send(200, info | {"siblings": [{"rfilename": p} for p in files]})

    def tree(self, repo: str, revision: str, path: str = "") -> None:
        self._auth(required=False)
        recursive = self.query.get("recursive", ["false"])[0].lower() == "true"
        expand = self.query.get("expand", ["false"])[0].lower() == "true"
        start = int(self.query.get("cursor", ["0"])[0])
        with self.hub.lock:
            meta = self._readable(repo)
            self.hub._check_revision(meta, revision)
            paths = self.hub._listing(repo, self.repo_type, path.strip("/"), recursive)
            page = [self.hub._entry(repo, self.repo_type, meta, p, expand) for p in paths[start : start + PAGE_SIZE]]
        headers = {}
        if start + PAGE_SIZE < len(paths):
            query = f"recursive={str(recursive).lower()}&expand={str(expand).lower()}&cursor={start + PAGE_SIZE}"
            headers["Link"] = f'<{self.hub.url}{urlsplit(self.path).path}?{query}>; rel="next"'
        self._send(200, page, headers)

    def paths_info(self, repo: str, revision: str) -> None:
        self._auth(required=False)
        form = parse_qs(self._body().decode())  # a form: paths=a&paths=b&expand=False
        paths, expand = form.get("paths", []), form.get("expand", ["False"])[0].lower() == "true"
        with self.hub.lock:
            meta = self._readable(repo)
            self.hub._check_revision(meta, revision)
            rt = self.repo_type
            found = [p for p in (p.strip("/") for p in paths) if p and self.hub._safe_path(repo, rt, p).exists()]
            self._send(200, [self.hub._entry(repo, rt, meta, p, expand) for p in found])

    def preupload(self, repo: str, revision: str) -> None:
        self._auth(required=True)
        files = json.loads(self._body())["files"]
        result = []
        with self.hub.lock:
            meta = self.hub._meta(repo, self.repo_type)
            self.hub._check_revision(meta, revision)
            for f in files:
                sample = base64.b64decode(f["sample"])
                lfs = any(fnmatch.fnmatch(PurePosixPath(f["path"]).name, p) for p in LFS_PATTERNS)
                lfs = lfs or b"\0" in sample or f["size"] > 10_000_000
                existing = self.hub.files(repo, self.repo_type) / f["path"]
                oid = None
                if existing.is_file():
                    data = existing.read_bytes()
                    oid = hashlib.sha256(data).hexdigest() if lfs else _git_oid(data)
                result.append({"path": f["path"], "uploadMode": "lfs" if lfs else "regular", "shouldIgnore": False})
                result[-1]["oid"] = oid
            head = meta["commits"][-1]["id"]
        self._send(200, {"files": result, "commitOid": head})

    def commit_endpoint(self, repo: str, revision: str) -> None:
        self._auth(required=True)
        if self.hub._drops("commit"):
            return self._drop()
        raw = self._body()
        if self.hub.fail_commit_with and self.hub._fault_fires():
            status = self.hub.fail_commit_with
            raise HubError(
                status, f"Internal Error - We're working hard to fix this as soon as possible (HTTP {status})"
            )
        if revision != "main":
            raise HubError(404, f"Revision {revision} not found", "RevisionNotFound")
        lines = [json.loads(line) for line in raw.splitlines() if line.strip()]
        oid = self.hub.commit(repo, self.repo_type, lines)
        commit_url = f"{self.hub.web_url(repo, self.repo_type)}/commit/{oid}"
        self._send(200, {"success": True, "commitOid": oid, "commitUrl": commit_url, "pullRequestUrl": None})

    def lfs_batch(self, repo: str) -> None:
        self._auth(required=True)
        payload = json.loads(self._body())
        if payload.get("operation") != "upload":
            raise HubError(400, "this test server only takes LFS uploads")
        self.hub._meta(repo, self.repo_type)
        repo_dir = self.hub.repo_dir(repo, self.repo_type)
        objects = []
        for obj in payload["objects"]:
            oid, size = obj["oid"], int(obj["size"])
            entry = {"oid": oid, "size": size, "authenticated": True}
            blob = repo_dir / "lfs" / oid
            if not (blob.is_file() and blob.stat().st_size == size):
                nonce = secrets.token_urlsafe(16)
                self.hub._uploads[nonce] = (repo_dir, oid, size)
                verify = f"{self.hub.web_url(repo, self.repo_type)}.git/info/lfs/objects/verify"
                entry["actions"] = {
                    "upload": {"href": f"{self.hub.url}/lfs-upload/{nonce}"},
                    "verify": {"href": verify},
                }
            objects.append(entry)
        self._send(200, {"transfer": "basic", "objects": objects}, {"Content-Type": "application/vnd.git-lfs+json"})

    def lfs_upload(self, nonce: str) -> None:
        """The pre-signed upload URL handed out by lfs_batch (no Authorization header, like S3)."""
        if nonce not in self.hub._uploads:
            raise HubError(403, "unknown or expired upload URL")
        if self.hub._drops("lfs"):
            return self._drop()
        repo_dir, oid, size = self.hub._uploads[nonce]
        data = self._body()
        if len(data) != size or hashlib.sha256(data).hexdigest() != oid:
            raise HubError(400, f"uploaded content does not match oid {oid} / size {size}")
        tmp = repo_dir / "lfs" / f".{oid}.{nonce}.tmp"
        tmp.write_bytes(data)
        tmp.replace(repo_dir / "lfs" / oid)
        self.hub._uploads.pop(nonce, None)
        self._send(200, b"", {"ETag": f'"{hashlib.md5(data).hexdigest()}"'})

    def lfs_verify(self, repo: str) -> None:
        self._auth(required=True)
        payload = json.loads(self._body())
        blob = self.hub.repo_dir(repo, self.repo_type) / "lfs" / payload["oid"]
        if not (blob.is_file() and blob.stat().st_size == int(payload["size"])):
            raise HubError(404, f"LFS object {payload['oid']} not found")
        self._send(200, {"success": True})

    def resolve(self, repo: str, revision: str, path: str) -> None:
        """File download. LFS files redirect (302) to /lfs-objects/ on this same host, like the Hub's CDN."""
        self._auth(required=False)
        with self.hub.lock:
            meta = self._readable(repo)
            self.hub._check_revision(meta, revision)
            target = self.hub._safe_path(repo, self.repo_type, path)
            if not target.is_file():
                raise HubError(404, f"Entry {path} not found", "EntryNotFound")
            data, lfs, head = target.read_bytes(), meta["lfs"].get(path), meta["commits"][-1]["id"]
        headers = {"X-Repo-Commit": head, "Accept-Ranges": "bytes", "Content-Type": "application/octet-stream"}
        if lfs:
            headers |= {"X-Linked-Etag": f'"{lfs}"', "X-Linked-Size": len(data), "ETag": f'"{_git_oid(data)}"'}
            location = f"/lfs-objects/{self.repo_type}s/{quote(repo)}/{lfs}?commit={head}&filename={quote(path)}"
            return self._send(302, b"", headers | {"Location": location})
        self._send_bytes(data, headers | {"ETag": f'"{_git_oid(data)}"'})

    def lfs_object(self, repo: str, oid: str) -> None:
        """The 'CDN' behind an LFS redirect. huggingface_hub follows same-host redirects and then reads the file
        metadata from this response (a real CDN is another host, where it reads them from the 302 instead)."""
        blob = self.hub.repo_dir(repo, self.repo_type) / "lfs" / oid
        if not blob.is_file() or not re.fullmatch(r"[0-9a-f]{64}", oid):
            raise HubError(404, "object not found")
        data = blob.read_bytes()
        headers = {"ETag": f'"{oid}"', "X-Linked-Etag": f'"{oid}"', "X-Linked-Size": len(data)}
        headers |= {"X-Repo-Commit": self.query.get("commit", [""])[0], "Accept-Ranges": "bytes"}
        self._send_bytes(data, headers | {"Content-Type": "application/octet-stream"})

    def _send_bytes(self, data: bytes, headers: dict) -> None:
        match = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", "").strip())
        if not match:
            return self._send(200, data, headers)
        start, end = int(match[1]), min(int(match[2] or len(data) - 1), len(data) - 1)
        if start >= len(data):
            return self._send(416, b"", {"Content-Range": f"bytes */{len(data)}"})
        self._send(206, data[start : end + 1], headers | {"Content-Range": f"bytes {start}-{end}/{len(data)}"})


ROUTES = [  # (method(s), path pattern, handler); "kind" (models|datasets, absent = model) picks the repo type
    ("GET", r"/api/whoami-v2", "whoami"),
    ("GET", r"/api/agent-harnesses", "agent_harnesses"),
    ("POST", r"/api/validate-yaml", "validate_yaml"),
    ("POST", r"/api/repos/create", "create_repo_endpoint"),
    ("GET", rf"/api/{KIND}/{REPO}(?:/revision/(?P<revision>[^/]+))?", "repo_info"),
    ("GET", rf"/api/{KIND}/{REPO}/tree/(?P<revision>[^/]+)(?:/(?P<path>.*))?", "tree"),
    ("POST", rf"/api/{KIND}/{REPO}/paths-info/(?P<revision>[^/]+)", "paths_info"),
    ("POST", rf"/api/{KIND}/{REPO}/preupload/(?P<revision>[^/]+)", "preupload"),
    ("POST", rf"/api/{KIND}/{REPO}/commit/(?P<revision>[^/]+)", "commit_endpoint"),
    ("POST", rf"{WEB}{REPO}\.git/info/lfs/objects/batch", "lfs_batch"),
    ("POST", rf"{WEB}{REPO}\.git/info/lfs/objects/verify", "lfs_verify"),
    ("PUT", r"/lfs-upload/(?P<nonce>[\w-]+)", "lfs_upload"),
    ("GET|HEAD", rf"{WEB}{REPO}/resolve/(?P<revision>[^/]+)/(?P<path>.+)", "resolve"),
    ("GET|HEAD", rf"/lfs-objects/(?P<kind>models|datasets)/{REPO}/(?P<oid>\w+)", "lfs_object"),
]
