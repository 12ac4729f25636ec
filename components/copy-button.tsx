"use client";

import { useState } from "react";

/** Copies `text` to the clipboard and says so for a moment (also to screen readers). */
export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      onClick={async () => {
        await navigator.clipboard.writeText(text);
        setCopied(true);
        setTimeout(() => setCopied(false), 2000);
      }}
      className="rounded border border-slate-400 px-2 py-0.5 text-xs hover:bg-slate-100"
    >
      <span aria-live="polite">{copied ? "Copied" : label}</span>
    </button>
  );
}
