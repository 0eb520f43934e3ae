"""Word and character level differences (standards.diff), without a database."""

from standards import diff
from standards.diff import tokenise, version_diff


def changed_rows(result):
    return [row for row in result.rows if row.kind in {"delete", "insert"}]


def test_tokenise_splits_words_spaces_and_punctuation_and_gives_the_text_back():
    text = "Accuracy, at least 90 %  (exact match).\n评测标准，适用。"
    tokens = tokenise(text)
    assert "".join(tokens) == text
    assert tokens[:4] == ["Accuracy", ",", " ", "at"]
    assert "  " in tokens  # a run of spaces is one token
    assert "\n" in tokens
    # Chinese characters and full-width punctuation: one token each.
    assert tokens[-7:] == ["评", "测", "标", "准", "，", "适", "用", "。"][-7:]
    assert "评测" not in tokens


def test_a_phrase_inserted_in_a_latin_line_marks_only_the_phrase():
    old = "Intro.\nThe model is tested on the held-out set.\nEnd."
    new = "Intro.\nThe model is tested twice, blind, on the held-out set.\nEnd."
    result = version_diff(old, new)
    delete, insert = changed_rows(result)
    assert delete.html == "The model is tested on the held-out set."
    assert (
        insert.html
        == "The model is tested<ins> twice, blind,</ins> on the held-out set."
    )
    assert (result.added, result.removed) == (1, 1)
    assert [row.kind for row in result.rows] == ["equal", "delete", "insert", "equal"]


def test_a_replaced_word_is_marked_on_both_sides():
    result = version_diff("Minimum accuracy: 85 %.", "Minimum accuracy: 90 %.")
    delete, insert = changed_rows(result)
    assert delete.html == "Minimum accuracy: <del>85</del> %."
    assert insert.html == "Minimum accuracy: <ins>90</ins> %."


def test_characters_inserted_in_a_chinese_paragraph_are_marked_alone():
    old = "医疗大模型评测标准规定了评测方法和指标，适用于临床问答。"
    new = "医疗大模型评测标准规定了评测方法和最低指标，主要适用于临床问答。"
    delete, insert = changed_rows(version_diff(old, new))
    assert insert.html == (
        "医疗大模型评测标准规定了评测方法和<ins>最低</ins>指标，<ins>主要</ins>适用于临床问答。"
    )
    assert delete.html == old  # nothing was removed


def test_whole_lines_added_or_removed_are_marked_whole():
    result = version_diff("a\nb\n", "a\nb\nc <d>\n")
    (insert,) = changed_rows(result)
    assert insert.kind == "insert"
    assert insert.html == "<ins>c &lt;d&gt;</ins>"


def test_text_is_escaped_inside_and_outside_the_marks():
    old = "Say <b>hi</b> & bye."
    new = "Say <script>alert(1)</script> & bye."
    result = version_diff(old, new)
    html = "".join(row.html for row in result.rows)
    assert "<script>" not in html
    assert "<b>" not in html
    assert "Say &lt;<ins>script&gt;alert(1)&lt;/script</ins>&gt; &amp; bye." in html
    assert "Say &lt;<del>b&gt;hi&lt;/b</del>&gt; &amp; bye." in html
    for row in result.side_rows:
        for side in (row.old, row.new):
            assert side is None or "<script>" not in side.html


def test_a_huge_changed_block_falls_back_to_whole_lines(monkeypatch):
    monkeypatch.setattr(diff, "MAX_BLOCK_TOKENS", 50)
    old = " ".join(f"word{i}" for i in range(40))
    new = old.replace("word7 ", "word7 inserted ")
    result = version_diff(old, new)
    delete, insert = changed_rows(result)
    assert result.line_level_blocks == 1
    assert delete.html == f"<del>{old}</del>"
    assert insert.html == f"<ins>{new}</ins>"
    # Below the bound the same change is marked word by word.
    monkeypatch.setattr(diff, "MAX_BLOCK_TOKENS", 5_000)
    result = version_diff(old, new)
    assert result.line_level_blocks == 0
    assert "word7<ins> inserted</ins> word8" in changed_rows(result)[1].html


def test_side_by_side_pairs_the_changed_lines_and_keeps_the_gaps():
    old = "\n".join(f"line {i}" for i in range(20))
    new = old.replace("line 2", "line two").replace("line 17", "line 17\nextra")
    result = version_diff(old, new, context=1)
    kinds = [row.kind for row in result.side_rows]
    assert kinds == ["equal", "change", "equal", "gap", "equal", "change", "equal"]
    first = result.side_rows[1]
    assert first.old.html == "line <del>2</del>"
    assert first.new.html == "line <ins>two</ins>"
    added = result.side_rows[5]
    assert added.old is None
    assert added.new.html == "<ins>extra</ins>"
    assert added.new.new_number == 19


def test_punctuation_between_two_changes_is_marked_with_them():
    delete, insert = changed_rows(version_diff("a, b, c", "x, y, c"))
    assert delete.html == "<del>a, b</del>, c"
    assert insert.html == "<ins>x, y</ins>, c"


def test_same_texts_give_an_empty_diff():
    assert version_diff("a\nb", "a\nb").is_empty


def test_the_rows_of_an_inline_diff_are_written_numbered_marked_and_escaped():
    from standards.templatetags.standards_tags import diff_rows

    html = diff_rows(version_diff("a\nSay <b>hi</b>\n", "a\nSay <script>x</script>\n"))
    assert (
        '<tr class="diff-equal"><td class="diff-number">1</td>'
        '<td class="diff-number">1</td><td class="diff-mark"></td>'
        '<td class="diff-text">a</td></tr>'
    ) in html
    assert '<tr class="diff-delete"><td class="diff-number">2</td>' in html
    assert '<td class="diff-number"></td><td class="diff-mark">−</td>' in html
    assert '<td class="diff-mark">+</td>' in html
    assert "<script>" not in html
    assert "&lt;<ins>script&gt;x&lt;/script</ins>&gt;" in html
