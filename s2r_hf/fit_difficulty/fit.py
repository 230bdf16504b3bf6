"""Train the regression head: tokenize the questions, build the Trainer, resume from the last checkpoint.

One process or many (``accelerate launch``): the transformers ``Trainer`` shards the batches; every rank builds
the same rows in the same order (seeded split), so there is nothing to gather but the held-out predictions,
which ``Trainer.predict`` gathers itself.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np

from s2r_hf.difficulty_input import difficulty_ids

logger = logging.getLogger(__name__)


@dataclass
class Fitted:
    """The trained Trainer and what the report needs: held-out predictions before and after training."""

    trainer: Any
    tokenizer: Any
    heldout_before: np.ndarray
    heldout_after: np.ndarray
    checkpoint: str | None
    resumed_step: int
    train_loss: float | None
    truncated_rows: int


def load_tokenizer(model_path: str, revision: str | None):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_path, revision=revision)
    if tokenizer.pad_token is None:  # Llama-style tokenizers: pad with EOS (the head reads the last real token)
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def encode(tokenizer, questions: list[str], labels: np.ndarray | None, max_length: int):
    """A ``datasets.Dataset`` of input_ids / attention_mask (/ labels), and how many rows were cut."""
    from datasets import Dataset

    ids = difficulty_ids(questions, tokenizer, max_length)  # exactly what the scorer feeds (s2r_hf.difficulty_input)
    cut = sum(len(row) == max_length for row in ids)  # at the limit: cut, or (rarely) exactly that long
    columns = {"input_ids": ids, "attention_mask": [[1] * len(row) for row in ids]}
    if labels is not None:
        columns["labels"] = [float(v) for v in labels]
    return Dataset.from_dict(columns), cut


def training_arguments(args, output_dir: str):
    """The Trainer's arguments from our short option list; token-free and free of local paths when pickled."""
    from transformers import TrainingArguments

    from s2r_hf.train_options import pickle_without_local_paths

    training = TrainingArguments(
        output_dir=output_dir,
        learning_rate=args.learning_rate,
        num_train_epochs=args.num_train_epochs,
        per_device_train_batch_size=args.per_device_train_batch_size,
        per_device_eval_batch_size=args.per_device_train_batch_size,
        gradient_accumulation_steps=args.gradient_accumulation_steps,
        warmup_steps=args.warmup_steps,
        weight_decay=args.weight_decay,
        lr_scheduler_type="linear",
        save_strategy="steps",
        save_steps=args.save_steps,
        save_total_limit=args.save_total_limit,
        logging_steps=max(1, min(50, args.save_steps)),
        eval_strategy="no",
        seed=args.seed,
        data_seed=args.seed,
        bf16=args.bf16,
        use_cpu=args.use_cpu,
        report_to=[],
        dataloader_num_workers=0,
        push_to_hub=False,  # the one push is ours, after the card (s2r_hf.hub.push_model)
    )
    pickle_without_local_paths(training)  # training_args.bin is written into every checkpoint
    return training


def load_model(model_path: str, revision: str | None, tokenizer, seed: int):
    """The base model with a fresh 1-output regression head (seeded, so the init is the same on every rank)."""
    import transformers
    from transformers import AutoModelForSequenceClassification

    transformers.set_seed(seed)
    model = AutoModelForSequenceClassification.from_pretrained(
        model_path,
        revision=revision,
        num_labels=1,
        problem_type="regression",
        id2label={0: "difficulty"},
        label2id={"difficulty": 0},
        pad_token_id=tokenizer.pad_token_id,
    )
    model.config.pad_token_id = tokenizer.pad_token_id
    return model


def predictions(trainer, rows) -> np.ndarray:
    return np.asarray(trainer.predict(rows).predictions, dtype=np.float64).reshape(-1)


def fit(args, model_path: str, train_q, train_y, heldout_q, state, overwrite: bool) -> Fitted:
    """Train on (train_q, train_y), resuming from the last complete checkpoint; predict the held-out rows."""
    import json
    from pathlib import Path

    import torch
    from transformers import DataCollatorWithPadding, Trainer

    from s2r_hf.train_options import resume_checkpoint

    torch.set_grad_enabled(True)
    tokenizer = load_tokenizer(model_path, args.base_model_revision)
    train_rows, cut_train = encode(tokenizer, train_q, train_y, args.max_length)
    heldout_rows, cut_heldout = encode(tokenizer, heldout_q, None, args.max_length)
    training = training_arguments(args, args.output_dir)
    model = load_model(model_path, args.base_model_revision, tokenizer, args.seed)
    trainer = Trainer(
        model=model,
        args=training,
        train_dataset=train_rows,
        data_collator=DataCollatorWithPadding(tokenizer),
        processing_class=tokenizer,
    )
    before = predictions(trainer, heldout_rows)  # the untrained head: what a random model gets
    checkpoint = resume_checkpoint(training, overwrite, state)
    resumed = 0
    if checkpoint:
        resumed = json.loads((Path(checkpoint) / "trainer_state.json").read_text())["global_step"]
        logger.info("resuming from %s (step %d)", checkpoint, resumed)
    result = trainer.train(resume_from_checkpoint=checkpoint)
    after = predictions(trainer, heldout_rows)
    loss = result.metrics.get("train_loss")
    return Fitted(trainer, tokenizer, before, after, checkpoint, resumed, loss, cut_train + cut_heldout)
