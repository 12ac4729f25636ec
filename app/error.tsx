"use client";

import Link from "next/link";

/** A page that failed to render: what the user can do, and the digest to quote to an admin (the server log has the rest). */
export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="mx-auto mt-10 max-w-md rounded-lg border border-red-300 bg-white p-6">
      <h1 className="text-xl font-semibold">This page could not be shown</h1>
      <p className="mt-2 text-slate-700">Something went wrong on our side. Try again; if it keeps failing, give an admin this reference.</p>
      {error.digest && <p className="mt-2 font-mono text-sm text-slate-700">Reference: {error.digest}</p>}
      <div className="mt-4 flex gap-2">
        <button type="button" onClick={reset} className="rounded bg-slate-900 px-3 py-1.5 text-sm font-medium text-white">
          Try again
        </button>
        <Link href="/queue" className="rounded border border-slate-400 px-3 py-1.5 text-sm text-slate-800">
          Go to the queue
        </Link>
      </div>
    </div>
  );
}
