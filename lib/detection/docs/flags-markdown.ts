// The "Flags" section of lib/detection/README.md, rendered from the signal registry so the docs cannot
// drift from the code (readme.test.ts compares the two; `npx tsx lib/detection/docs/flags-markdown.ts`
// prints it for pasting after a signal changes).
import type { SignalMessages } from "../signal";
import { signals } from "../signals";

export function flagsMarkdown(): string {
  return signals
    .map((s) => {
      const rows = Object.entries(s.messages as SignalMessages).map(([code, m]) => `| \`${code}\` | ${m.direction} | ${m.message} |`);
      return [`**${s.id}** ${s.version} — ${s.title}`, "", "| flag | direction | message |", "|---|---|---|", ...rows].join("\n");
    })
    .join("\n\n");
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!)) console.log(flagsMarkdown());
