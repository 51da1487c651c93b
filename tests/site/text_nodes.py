"""The words a reader sees on a page: visible text nodes and the labels screen readers speak."""

from html.parser import HTMLParser

# Not the site's words: code, and what the visitor typed.
INVISIBLE = {"script", "style", "template", "head", "textarea"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
SPOKEN_ATTRIBUTES = {"aria-label", "alt", "placeholder", "title"}


class TextNodes(HTMLParser):
    """Collects stripped text nodes outside <script>, <style>, <head> and elements marked
    lang="en" (English on purpose, such as the "Only in English" links), plus spoken attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.nodes = []
        self._stack = []

    def _hidden(self):
        return any(tag in INVISIBLE or english for tag, english in self._stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag not in VOID:
            # The page's own language (<html lang>) is what the test compares, not a mark.
            self._stack.append((tag, tag != "html" and attributes.get("lang") == "en"))
        if not self._hidden():
            self.nodes.extend(
                value.strip()
                for name, value in attrs
                if name in SPOKEN_ATTRIBUTES and value and value.strip()
            )

    def handle_endtag(self, tag):
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index][0] == tag:
                del self._stack[index:]
                break

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self._hidden():
            self.nodes.append(text)


def text_nodes(html):
    """The page's words; nodes of punctuation alone (". ") carry no language and are left out."""
    parser = TextNodes()
    parser.feed(html)
    return [node for node in parser.nodes if any(char.isalnum() for char in node)]
