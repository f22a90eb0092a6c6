/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Measuring pages in Chromium (run inside the page with page.evaluate).
import type { Page } from "playwright-core";

/** Opens every `details` matching `selector`. */
export const openAll = (page: Page, selector: string) =>
  page.evaluate((s) => {
    for (const d of document.querySelectorAll<HTMLDetailsElement>(s)) d.open = true;
  }, selector);

/**
 * The right edge of the widest element that is shown, and the document's scroll width. The inside
 * of a closed `details` is not shown (its box, summary included, is measured); what an ancestor
 * clips (a one-line record title cut with an ellipsis) is measured at the clip.
 */
export const widest = (page: Page) =>
  page.evaluate(() => {
    let right = 0;
    let what = "";
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT, (node) =>
      node.parentElement instanceof HTMLDetailsElement &&
      !node.parentElement.open &&
      (node as Element).tagName !== "SUMMARY"
        ? NodeFilter.FILTER_REJECT
        : NodeFilter.FILTER_ACCEPT,
    );
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node as Element;
      const r = el.getBoundingClientRect();
      let clipped = false;
      if (r.right > window.innerWidth)
        for (let a = el.parentElement; a && !clipped; a = a.parentElement)
          clipped =
            getComputedStyle(a).overflowX !== "visible" &&
            a.getBoundingClientRect().right <= window.innerWidth;
      if (r.width > 0 && r.right > right && !clipped) {
        right = r.right;
        what = `${el.tagName.toLowerCase()}.${el.className}`;
      }
    }
    return { right: Math.ceil(right), scroll: document.documentElement.scrollWidth, what };
  });
