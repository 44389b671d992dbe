"""Pages are compacted piece by piece when they are stamped (generator/shell/stamp.py): that must
give exactly what compacting the whole page gives."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from generator.shell.render import compact_html, compact_join, piece, whole_blocks

TOKENS = ["a", "<b>", " ", "\t", "\n", "\r", "\x0b", "\u2028", "\xa0", "x y", "  \n  ", "\n\n\t "]
BLOCKS = ["<pre> \n x\n</pre>", "<textarea>\n  </textarea>", "<PRE class=x>\n\t</PRE>", "<script> a \n b</script>"]
LOOSE = ["<pre>", "</pre>", "<script>", "</textarea>"]
TEXT = st.lists(st.sampled_from(TOKENS * 3 + BLOCKS + LOOSE), max_size=30).map("".join)


@settings(max_examples=400)
@given(st.lists(TEXT, max_size=8))
def test_compacting_piece_by_piece_equals_compacting_the_whole(texts) -> None:
    assume(all(whole_blocks(text) for text in texts))
    assert compact_join([piece(text) for text in texts]) == compact_html("".join(texts))


def test_whitespace_across_a_join_is_compacted_whole() -> None:
    texts = ["<p>one</p>  \n  ", "\n\t  ", "  <p>two</p>", "<pre>  \n  kept  \n</pre>", " \n "]
    assert compact_join([piece(text) for text in texts]) == compact_html("".join(texts))
    assert compact_join([piece(text) for text in texts]) == "<p>one</p>\n<p>two</p><pre>  \n  kept  \n</pre>\n"


def test_a_block_left_open_is_no_whole_piece() -> None:
    assert whole_blocks("<pre>a</pre><textarea>b</textarea><script>c</script>")
    assert not whole_blocks("<pre>a")
    assert not whole_blocks("<script>a")
    assert not whole_blocks("</script><script>")
