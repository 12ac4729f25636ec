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
    <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Signal breakdown, scrolls sideways">
    <table className="w-full min-w-[28rem] text-sm" data-testid="signal-table">
      <thead className="text-left text-slate-700">
        <tr>
          <th scope="col" className="py-1 pr-3 font-medium">Signal</th>
          <th scope="col" className="py-1 pr-3 font-medium">Score</th>
          <th scope="col" className="py-1 pr-3 font-medium">Finding</th>
          <th scope="col" className="py-1 text-right font-medium">Time</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100 align-top">
        {signals.map((s) => (
          <tr key={s.id} data-testid="signal-row" data-signal={s.id} data-status={s.status}>
            <td className="py-2 pr-3">
              <div className="font-medium">{signalPresentation(s.id).label}</div>
              <div className="font-mono text-xs text-slate-600">
                {s.id} v{s.version}
              </div>
            </td>
            <td className="w-36 py-2 pr-3">
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
            <td className="py-2 pr-3">
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
            <td className="py-2 text-right font-mono text-xs text-slate-700">{s.ms.toFixed(0)} ms</td>
          </tr>
        ))}
      </tbody>
    </table>
    </div>
  );
}
