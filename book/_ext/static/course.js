// Course website script, added by book/_ext/course_language.py.
//
// Search result snippets are plain text that Sphinx cuts out of each page's
// HTML, where a formula is still its TeX between \( \) or \[ \] delimiters
// (MathJax renders it in the page, not in the snippet). Give the snippet each
// formula's TeX without the delimiters, so that no raw delimiter, nor half a
// formula cut at the snippet's edge, reaches the reader.
(function () {
  if (typeof Search === "undefined" || typeof Search.htmlToText !== "function") return;
  const original = Search.htmlToText;
  const delimiters = /^(?:\\\(|\\\[|\$\$)\s*|\s*(?:\\\)|\\\]|\$\$)$/g;
  Search.htmlToText = (htmlString, anchor) => {
    const page = new DOMParser().parseFromString(htmlString, "text/html");
    for (const formula of page.querySelectorAll(".math")) {
      formula.textContent = " " + formula.textContent.trim().replace(delimiters, "") + " ";
    }
    return original(page.documentElement.outerHTML, anchor);
  };
})();
