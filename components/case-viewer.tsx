"use client";

import { useCallback, useEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from "react";
import type { SignalPresentation } from "@/lib/cases/signal-labels";
import { useShortcuts } from "@/components/use-shortcuts";

export interface OverlayRef {
  signal: string;
  label: string;
  url: string;
  legend: NonNullable<SignalPresentation["legend"]>;
  /** The engine's own description of the map. */
  description: string;
}

type Mode = "overlay" | "side" | "heatmap";
interface View {
  scale: number;
  x: number;
  y: number;
}

const MAX_SCALE = 8;
const MODES: { id: Mode; label: string; key: string }[] = [
  { id: "overlay", label: "Overlay", key: "o" },
  { id: "side", label: "Side by side", key: "s" },
  { id: "heatmap", label: "Heatmap only", key: "h" },
];

export function Legend({ legend, testId }: { legend: OverlayRef["legend"]; testId?: string }) {
  return (
    <div className="min-w-0 space-y-1" data-testid={testId}>
      <div className="h-2 w-full rounded-full ring-1 ring-black/10" style={{ backgroundImage: legend.gradient }} />
      <div className="flex justify-between text-[11px] text-slate-500">
        <span>{legend.low}</span>
        <span>{legend.high}</span>
      </div>
      <p className="text-xs text-slate-600">{legend.meaning}</p>
    </div>
  );
}

/**
 * The evidence viewer: the display image at full resolution in a zoomable, pannable viewport (wheel,
 * pinch, drag; fit and 100 %), with each spatial signal's map laid over it (normal blending, opacity
 * slider), side by side with the original (one shared zoom and pan), or alone.
 */
/**
 * `blurred`: the case's policy hides sensitive images (policies.blurImages) until the viewer reveals
 * them by a click or `b`; the image and every map over it blur together. Reveal lasts for this view of
 * the case only (the page keys the viewer by case id, so the next case starts blurred again).
 */
export function CaseViewer({ imageUrl, alt, width, height, overlays, blurred = false }: { imageUrl: string; alt: string; width: number; height: number; overlays: OverlayRef[]; blurred?: boolean }) {
  const [revealed, setRevealed] = useState(false);
  const hidden = blurred && !revealed;
  const [mode, setMode] = useState<Mode>("overlay");
  const [active, setActive] = useState(0);
  const [overlayOn, setOverlayOn] = useState(overlays.length > 0);
  const [opacity, setOpacity] = useState(0.55);
  const [natural, setNatural] = useState({ w: Math.max(1, width), h: Math.max(1, height) });
  const [view, setView] = useState<View | null>(null);
  const [fitted, setFitted] = useState(true);
  const paneRef = useRef<HTMLDivElement>(null);
  const pointers = useRef(new Map<number, { x: number; y: number }>());
  const current = overlays[active] ?? null;

  const paneSize = useCallback(() => {
    const el = paneRef.current;
    return el ? { w: el.clientWidth, h: el.clientHeight } : { w: 1, h: 1 };
  }, []);

  const fitView = useCallback((): View => {
    const p = paneSize();
    const scale = Math.min(p.w / natural.w, p.h / natural.h, MAX_SCALE);
    return { scale, x: (p.w - natural.w * scale) / 2, y: (p.h - natural.h * scale) / 2 };
  }, [natural, paneSize]);

  const minScale = useCallback(() => Math.min(1, fitView().scale) / 2, [fitView]);

  // Fit on first layout, on resize and on mode change (the panes change width), while in fit mode.
  useEffect(() => {
    const el = paneRef.current;
    if (!el) return;
    const refit = () => {
      if (fitted) setView(fitView());
    };
    refit();
    const ro = new ResizeObserver(refit);
    ro.observe(el);
    return () => ro.disconnect();
  }, [fitted, fitView, mode]);

  const zoomAt = useCallback(
    (factor: number, px: number, py: number) => {
      setFitted(false);
      setView((v) => {
        const base = v ?? fitView();
        const scale = Math.min(MAX_SCALE, Math.max(minScale(), base.scale * factor));
        const k = scale / base.scale;
        return { scale, x: px - (px - base.x) * k, y: py - (py - base.y) * k };
      });
    },
    [fitView, minScale],
  );

  const actualSize = useCallback(() => {
    const p = paneSize();
    setFitted(false);
    setView((v) => {
      const base = v ?? fitView();
      // Keep the point at the pane's centre where it is.
      const cx = (p.w / 2 - base.x) / base.scale;
      const cy = (p.h / 2 - base.y) / base.scale;
      return { scale: 1, x: p.w / 2 - cx, y: p.h / 2 - cy };
    });
  }, [fitView, paneSize]);

  const toggleZoom = () => (fitted || (view && Math.abs(view.scale - 1) > 1e-3) ? actualSize() : setFitted(true));

  // Wheel zoom needs a non-passive listener to keep the page from scrolling.
  useEffect(() => {
    const panes = document.querySelectorAll<HTMLElement>("[data-viewer-pane]");
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = (e.currentTarget as HTMLElement).getBoundingClientRect();
      zoomAt(Math.exp(-e.deltaY * 0.0015), e.clientX - r.left, e.clientY - r.top);
    };
    panes.forEach((p) => p.addEventListener("wheel", onWheel, { passive: false }));
    return () => panes.forEach((p) => p.removeEventListener("wheel", onWheel));
  }, [zoomAt, mode]);

  const onPointerDown = (e: ReactPointerEvent<HTMLDivElement>) => {
    e.currentTarget.setPointerCapture(e.pointerId);
    pointers.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
  };
  const onPointerMove = (e: ReactPointerEvent<HTMLDivElement>) => {
    const prev = pointers.current.get(e.pointerId);
    if (!prev) return;
    const all = [...pointers.current.entries()];
    if (all.length === 1) {
      setFitted(false);
      setView((v) => {
        const base = v ?? fitView();
        return { ...base, x: base.x + e.clientX - prev.x, y: base.y + e.clientY - prev.y };
      });
    } else if (all.length === 2) {
      // Pinch: scale by the change in distance between the two pointers, about their midpoint.
      const other = all.find(([id]) => id !== e.pointerId)![1];
      const before = Math.hypot(prev.x - other.x, prev.y - other.y);
      const after = Math.hypot(e.clientX - other.x, e.clientY - other.y);
      const r = e.currentTarget.getBoundingClientRect();
      if (before > 0) zoomAt(after / before, (e.clientX + other.x) / 2 - r.left, (e.clientY + other.y) / 2 - r.top);
    }
    pointers.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
  };
  const onPointerUp = (e: ReactPointerEvent<HTMLDivElement>) => {
    pointers.current.delete(e.pointerId);
  };

  const pick = (i: number) => {
    if (i >= overlays.length) return;
    setActive(i);
    setOverlayOn(true);
    if (mode === "heatmap" && !overlayOn) setMode("overlay");
  };

  const keys: Record<string, () => void> = {
    o: () => {
      if (mode !== "overlay") setMode("overlay");
      else setOverlayOn((on) => !on);
    },
    s: () => setMode((m) => (m === "side" ? "overlay" : "side")),
    h: () => setMode((m) => (m === "heatmap" ? "overlay" : "heatmap")),
    z: toggleZoom,
    "+": () => zoomAt(1.25, paneSize().w / 2, paneSize().h / 2),
    "-": () => zoomAt(0.8, paneSize().w / 2, paneSize().h / 2),
  };
  for (let i = 0; i < Math.min(9, overlays.length); i++) keys[String(i + 1)] = () => pick(i);
  if (blurred) keys.b = () => setRevealed((r) => !r);
  useShortcuts(keys);

  const v = view ?? { scale: 0, x: 0, y: 0 };
  const transform = { transform: `translate(${v.x}px, ${v.y}px) scale(${v.scale})`, transformOrigin: "0 0", width: natural.w, height: natural.h };
  const showOverlay = current && overlayOn;

  const pane = (kind: "image" | "overlay" | "heatmap", first: boolean) => (
    <div
      ref={first ? paneRef : undefined}
      data-viewer-pane={kind}
      data-testid={`viewer-pane-${kind}`}
      className="relative h-full min-w-0 flex-1 cursor-grab touch-none select-none overflow-hidden bg-[repeating-conic-gradient(#1e293b_0%_25%,#0f172a_0%_50%)] bg-[length:16px_16px] active:cursor-grabbing"
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onDoubleClick={(e) => {
        const r = e.currentTarget.getBoundingClientRect();
        zoomAt(2, e.clientX - r.left, e.clientY - r.top);
      }}
    >
      <div className="absolute left-0 top-0" style={hidden ? { ...transform, filter: "blur(28px)" } : transform} data-blurred={hidden ? "true" : undefined}>
        {/* eslint-disable-next-line @next/next/no-img-element */}
        <img
          src={imageUrl}
          alt={kind === "heatmap" ? "" : alt}
          width={natural.w}
          height={natural.h}
          draggable={false}
          data-testid={first ? "original-image" : undefined}
          className={`block h-full w-full max-w-none ${kind === "heatmap" ? "opacity-25 grayscale" : ""}`}
          onLoad={(e) => {
            const img = e.currentTarget;
            if (img.naturalWidth && (img.naturalWidth !== natural.w || img.naturalHeight !== natural.h)) setNatural({ w: img.naturalWidth, h: img.naturalHeight });
          }}
        />
        {current && (kind === "heatmap" || (kind === "overlay" && showOverlay)) && (
          // eslint-disable-next-line @next/next/no-img-element
          <img
            src={current.url}
            alt={`${current.label} map`}
            draggable={false}
            data-testid={kind === "heatmap" ? "heatmap-only" : "heatmap-overlay"}
            data-signal={current.signal}
            className="pointer-events-none absolute inset-0 h-full w-full max-w-none"
            style={{ opacity: kind === "heatmap" ? 1 : opacity, imageRendering: "pixelated" }}
          />
        )}
      </div>
      {hidden && (
        <div className="absolute inset-0 flex items-center justify-center">
          <button
            type="button"
            onPointerDown={(e) => e.stopPropagation()}
            onDoubleClick={(e) => e.stopPropagation()}
            onClick={() => setRevealed(true)}
            className="rounded-lg bg-black/75 px-4 py-2 text-sm font-medium text-white shadow"
            data-testid={first ? "reveal-image" : undefined}
          >
            Sensitive content: reveal (b)
          </button>
        </div>
      )}
      {!first || mode !== "overlay" ? (
        <span className="pointer-events-none absolute left-2 top-2 rounded bg-black/60 px-2 py-0.5 text-[11px] font-medium text-white">
          {kind === "image" ? "Original" : kind === "heatmap" ? (current?.label ?? "No map") : "Overlay"}
        </span>
      ) : null}
    </div>
  );

  return (
    <section className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm" data-testid="case-viewer" data-blurred={hidden ? "true" : "false"} data-mode={mode} data-zoom={v.scale.toFixed(3)} data-fitted={fitted ? "true" : "false"} aria-label="Evidence viewer">
      <div className="flex flex-wrap items-center gap-2 border-b border-slate-200 px-3 py-2 text-sm">
        <div className="inline-flex rounded-lg bg-slate-100 p-0.5" role="group" aria-label="View mode">
          {MODES.map((m) => (
            <button
              key={m.id}
              type="button"
              data-testid={`mode-${m.id}`}
              aria-pressed={mode === m.id}
              onClick={() => setMode(m.id)}
              className={`rounded-md px-2.5 py-1 text-xs font-medium ${mode === m.id ? "bg-white text-slate-900 shadow-sm" : "text-slate-600 hover:text-slate-900"}`}
              title={`${m.label} (${m.key})`}
            >
              {m.label}
            </button>
          ))}
        </div>
        <div className="ml-auto flex items-center gap-1">
          <button type="button" onClick={() => zoomAt(0.8, paneSize().w / 2, paneSize().h / 2)} className="rounded-md px-2 py-1 text-slate-600 hover:bg-slate-100" aria-label="Zoom out" title="Zoom out (-)">−</button>
          <span className="w-12 text-center font-mono text-xs text-slate-600" data-testid="zoom-level" aria-live="polite">{Math.round(v.scale * 100)}%</span>
          <button type="button" onClick={() => zoomAt(1.25, paneSize().w / 2, paneSize().h / 2)} className="rounded-md px-2 py-1 text-slate-600 hover:bg-slate-100" aria-label="Zoom in" title="Zoom in (+)">+</button>
          <button type="button" data-testid="viewer-fit" onClick={() => setFitted(true)} aria-pressed={fitted} className={`rounded-md px-2 py-1 text-xs font-medium ${fitted ? "bg-slate-900 text-white" : "text-slate-600 hover:bg-slate-100"}`} title="Fit (z)">Fit</button>
          <button type="button" data-testid="viewer-100" onClick={actualSize} aria-pressed={!fitted && Math.abs(v.scale - 1) < 1e-3} className={`rounded-md px-2 py-1 text-xs font-medium ${!fitted && Math.abs(v.scale - 1) < 1e-3 ? "bg-slate-900 text-white" : "text-slate-600 hover:bg-slate-100"}`} title="Actual pixels (z)">100%</button>
        </div>
      </div>

      <div className="flex h-[52vh] min-h-[260px] gap-px bg-slate-900 lg:h-[calc(100vh-245px)]">
        {mode === "overlay" && pane("overlay", true)}
        {mode === "side" && (
          <>
            {pane("image", true)}
            {pane("heatmap", false)}
          </>
        )}
        {mode === "heatmap" && pane("heatmap", true)}
      </div>

      {overlays.length > 0 ? (
        <div className="grid gap-3 border-t border-slate-200 px-3 py-2 text-sm md:grid-cols-[1fr_minmax(0,16rem)]">
          <div className="flex flex-wrap items-center gap-1.5">
            {overlays.map((o, i) => (
              <button
                key={o.signal}
                type="button"
                data-testid="overlay-chip"
                data-signal={o.signal}
                aria-pressed={active === i && overlayOn}
                onClick={() => (active === i ? setOverlayOn((on) => !on) : pick(i))}
                title={o.description}
                className={`inline-flex items-center gap-1.5 rounded-full border px-2.5 py-1 text-xs font-medium ${active === i && overlayOn ? "border-slate-900 bg-slate-900 text-white" : "border-slate-300 bg-white text-slate-700 hover:border-slate-400"}`}
              >
                <kbd className={`rounded px-1 font-mono text-[10px] ${active === i && overlayOn ? "bg-white/20" : "bg-slate-100"}`}>{i + 1}</kbd>
                {o.label}
              </button>
            ))}
            <label className="ml-1 flex items-center gap-2 text-xs text-slate-600">
              Opacity
              <input type="range" min={0} max={1} step={0.05} value={opacity} onChange={(e) => setOpacity(Number(e.target.value))} className="w-24 accent-slate-900" aria-label="Overlay opacity" data-testid="overlay-opacity" />
            </label>
          </div>
          {current && <Legend legend={current.legend} testId="heatmap-legend" />}
        </div>
      ) : (
        <p className="border-t border-slate-200 px-3 py-2 text-xs text-slate-500">No signal produced a map of this image.</p>
      )}
    </section>
  );
}
