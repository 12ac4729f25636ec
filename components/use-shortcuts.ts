"use client";

import { useEffect, useRef } from "react";

/** True when a key press belongs to a text field (shortcuts must not fire while typing). */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag !== "INPUT") return false;
  const type = (target as HTMLInputElement).type;
  // Range sliders, radios, checkboxes and buttons take no text: letters there are still shortcuts.
  return !["range", "radio", "checkbox", "button", "submit", "reset"].includes(type);
}

/**
 * Single-key shortcuts (`e.key` → handler), ignored while typing, with modifier keys held, or while a
 * dialog other than the caller's is open. Handlers are read through a ref, so callers can pass a
 * fresh object each render.
 */
export function useShortcuts(handlers: Record<string, () => void>, enabled = true): void {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      if (document.querySelector("dialog[open]") && e.key !== "?") return;
      const h = ref.current[e.key];
      if (!h) return;
      e.preventDefault();
      h();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [enabled]);
}
