"use client";

import { useState } from "react";

/** A new API key, shown once, with a button that copies it. */
export function SecretBox({ secret, note = "Copy this key now — it is shown only once:" }: { secret: string; note?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="rounded border border-emerald-200 bg-emerald-50 p-3 text-sm">
      {note}
      <div className="mt-1 flex items-center gap-2">
        <code className="block flex-1 break-all font-mono" data-testid="api-key-secret">{secret}</code>
        <button
          type="button"
          className="rounded border border-emerald-300 bg-white px-2 py-1 text-xs hover:bg-emerald-100"
          onClick={async () => {
            await navigator.clipboard.writeText(secret).catch(() => {});
            setCopied(true);
          }}
        >
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
    </div>
  );
}
