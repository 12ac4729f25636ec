/** A number with a one-line explanation: shown on hover and on keyboard focus (and as its title). */
export function NumberHint({ label, value, hint, testId }: { label: string; value: string; hint: string; testId?: string }) {
  return (
    <span tabIndex={0} title={hint} data-testid={testId} className="group relative inline-flex flex-col rounded-md px-1 outline-none focus-visible:ring-2 focus-visible:ring-slate-900">
      <span className="text-[11px] uppercase tracking-wide text-slate-600 underline decoration-dotted underline-offset-2">{label}</span>
      <span className="font-mono text-sm font-semibold text-slate-900">{value}</span>
      <span role="tooltip" className="pointer-events-none absolute left-0 top-full z-20 mt-1 hidden w-[min(15rem,calc(100vw-6rem))] rounded-md bg-slate-900 px-2 py-1.5 text-xs font-normal normal-case leading-snug text-white shadow-lg group-hover:block group-focus:block">
        {hint}
      </span>
    </span>
  );
}
