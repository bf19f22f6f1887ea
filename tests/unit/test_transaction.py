"""The transaction builder: a cancelled TransactWriteItems raises the failure its failed step names."""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from chalicelib.errors import ConflictError, DuplicateError, FloodError, StorageUnavailableError
from chalicelib.storage.codec import marshal
from chalicelib.storage.transact import Transaction


class FakeDynamo:
    """transact_write_items that cancels with the given reasons, one answer per call."""

    def __init__(self, *answers: list[dict] | str | None):
        self.answers = list(answers)
        self.calls: list[list[dict]] = []

    def __call__(self, operation: str, **kwargs):
        assert operation == "transact_write_items"
        self.calls.append(kwargs["TransactItems"])
        answer = self.answers.pop(0)
        if answer is None:
            return {}
        response: dict = {"Error": {"Code": "TransactionCanceledException", "Message": "cancelled"}}
        if isinstance(answer, str):  # an older server: the reasons only in the message
            response["Error"]["Message"] = f"Transaction cancelled, please refer cancellation reasons [{answer}]"
        else:
            response["CancellationReasons"] = answer
        raise ClientError(response, "TransactWriteItems")


def failed(item: dict | None = None) -> dict:
    return {"Code": "ConditionalCheckFailed", **({"Item": marshal(item)} if item else {})}


OK = {"Code": "None"}


def test_the_first_failed_step_decides_whatever_its_position():
    call = FakeDynamo([OK, failed(), failed()])
    tx = Transaction(call, "t")
    tx.put({"pk": "A", "sk": "A"})
    tx.put({"pk": "B", "sk": "B"}, condition="attribute_not_exists(pk)", failure=DuplicateError("duplicate"))
    tx.put({"pk": "C", "sk": "C"}, condition="attribute_not_exists(pk)", failure=ConflictError("conflict"))
    with pytest.raises(DuplicateError):
        tx.commit()


def test_a_failure_can_read_the_item_in_the_way():
    call = FakeDynamo([failed({"pk": "F", "sk": "GUARD", "until": 130})])
    tx = Transaction(call, "t")
    tx.put({"pk": "F", "sk": "GUARD"}, condition="#until <= :now", names={"#until": "until"}, values={":now": 100},
           failure=lambda old: FloodError(int(old["until"]) - 100))
    with pytest.raises(FloodError) as caught:
        tx.commit()
    assert caught.value.retry_after == 30
    assert call.calls[0][0]["Put"]["ReturnValuesOnConditionCheckFailure"] == "ALL_OLD"


def test_an_optional_step_that_failed_alone_is_left_out_and_the_rest_is_written():
    call = FakeDynamo([OK, failed()], None)
    tx = Transaction(call, "t")
    tx.put({"pk": "A", "sk": "A"})
    tx.update({"pk": "G", "sk": "GUARD"}, "SET x = :x", condition="attribute_exists(pk)", values={":x": 1}, optional=True)
    tx.commit()
    assert [list(step) for step in call.calls[1]] == [["Put"]]


def test_reasons_only_in_the_message_are_read_too():
    call = FakeDynamo("None, ConditionalCheckFailed")
    tx = Transaction(call, "t")
    tx.put({"pk": "A", "sk": "A"})
    tx.put({"pk": "B", "sk": "B"}, condition="attribute_not_exists(pk)", failure=DuplicateError("duplicate"))
    with pytest.raises(DuplicateError):
        tx.commit()


def test_a_conflict_is_retried_and_a_throttle_that_lasts_is_503():
    call = FakeDynamo([{"Code": "TransactionConflict"}], None)
    tx = Transaction(call, "t")
    tx.put({"pk": "A", "sk": "A"})
    tx.commit()
    assert len(call.calls) == 2
    busy = FakeDynamo(*([[{"Code": "ThrottlingError"}]] * 4))
    tx = Transaction(busy, "t")
    tx.put({"pk": "A", "sk": "A"})
    with pytest.raises(StorageUnavailableError):
        tx.commit()
