import type { SignalDto } from "@/lib/api/dto";
import { signalPresentation } from "@/lib/cases/signal-labels";

interface Flag {
  code: string;
  message: string;
  direction: "ai" | "authentic" | "neutral";
}
export type SignalRow = Pick<SignalDto, "id" | "version" | "status" | "score" | "flags" | "summary" | "ms"> & { error?: string };

const DIRECTION: Record<string, string> = { ai: "text-ai", authentic: "text-authentic", neutral: "text-slate-700" };

export function SignalTable({ signals }: { signals: SignalRow[] }) {
  return (
    // Below sm the rows stack (name and score on one line, the finding under them) instead of scrolling
    // sideways; the header row is hidden there because each cell says what it is.
    <table className="w-full text-sm" data-testid="signal-table">
      <thead className="hidden text-left text-slate-700 sm:table-header-group">
        <tr>
          <th scope="col" className="py-1 pr-3 font-medium">Signal</th>
          <th scope="col" className="py-1 pr-3 font-medium">Score</th>
          <th scope="col" className="py-1 pr-3 font-medium">Finding</th>
          <th scope="col" className="py-1 text-right font-medium">Time</th>
        </tr>
      </thead>
      <tbody className="block divide-y divide-slate-100 align-top sm:table-row-group">
        {signals.map((s) => (
          <tr key={s.id} className="grid grid-cols-[minmax(0,1fr)_auto] gap-x-3 py-2 sm:table-row sm:py-0" data-testid="signal-row" data-signal={s.id} data-status={s.status}>
            <td className="sm:py-2 sm:pr-3">
              <div className="font-medium">{signalPresentation(s.id).label}</div>
              <div className="font-mono text-xs text-slate-600">
                {s.id} v{s.version}
              </div>
            </td>
            <td className="sm:w-36 sm:py-2 sm:pr-3">
              {s.status === "error" ? (
                <span className="rounded bg-red-50 px-1.5 py-0.5 text-xs text-red-700">error</span>
              ) : s.score === null ? (
                <span className="text-xs text-slate-600">n/a</span>
              ) : (
                <div className="flex items-center gap-2">
                  <div className="h-2 w-20 overflow-hidden rounded bg-slate-100">
                    <div className={`h-full ${s.score >= 0.5 ? "bg-red-500" : "bg-emerald-500"}`} style={{ width: `${Math.round(s.score * 100)}%` }} />
                  </div>
                  <span className="font-mono text-xs">{(s.score * 100).toFixed(0)}</span>
                </div>
              )}
            </td>
            <td className="col-span-2 pt-1 sm:py-2 sm:pr-3">
              <p>{s.status === "error" ? `The signal failed: ${s.error ?? "unknown error"}. The verdict was formed without it.` : s.summary}</p>
              {(s.flags as Flag[]).length > 0 && (
                <ul className="mt-1 space-y-0.5">
                  {(s.flags as Flag[]).map((f, i) => (
                    <li key={`${f.code}-${i}`} className={`text-xs ${DIRECTION[f.direction] ?? ""}`}>
                      <code className="mr-1 rounded bg-slate-100 px-1">{f.code}</code>
                      {f.message}
                    </li>
                  ))}
                </ul>
              )}
            </td>
            <td className="col-span-2 font-mono text-xs text-slate-700 sm:py-2 sm:text-right">
              <span className="sm:hidden">Took </span>
              {s.ms.toFixed(0)} ms
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
