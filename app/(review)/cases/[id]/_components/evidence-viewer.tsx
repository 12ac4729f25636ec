"use client";

import { useState } from "react";

export interface HeatmapRef {
  signal: string;
  label: string;
  url: string;
}

/** The original beside the same image with a chosen signal's heatmap overlaid. */
export function EvidenceViewer({ imageUrl, heatmaps, alt }: { imageUrl: string; heatmaps: HeatmapRef[]; alt: string }) {
  const [selected, setSelected] = useState<string | null>(heatmaps[0]?.signal ?? null);
  const [opacity, setOpacity] = useState(0.6);
  const current = heatmaps.find((h) => h.signal === selected) ?? null;
  return (
    <div className="space-y-3">
      <div className="grid grid-cols-1 gap-3 md:grid-cols-2">
        <figure className="rounded-lg border border-slate-200 bg-white p-2">
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img src={imageUrl} alt={alt} className="mx-auto max-h-[28rem] w-auto" data-testid="original-image" />
          <figcaption className="mt-1 text-center text-xs text-slate-500">Original</figcaption>
        </figure>
        <figure className="rounded-lg border border-slate-200 bg-white p-2">
          <div className="relative mx-auto w-fit">
            {/* eslint-disable-next-line @next/next/no-img-element */}
            <img src={imageUrl} alt="" className="max-h-[28rem] w-auto" />
            {current && (
              // eslint-disable-next-line @next/next/no-img-element
              <img
                src={current.url}
                alt={`${current.label} heatmap`}
                data-testid="heatmap-overlay"
                className="absolute inset-0 h-full w-full mix-blend-multiply"
                style={{ opacity, imageRendering: "pixelated" }}
              />
            )}
          </div>
          <figcaption className="mt-1 text-center text-xs text-slate-500">{current ? current.label : "No heatmap for this case"}</figcaption>
        </figure>
      </div>
      {heatmaps.length > 0 && (
        <div className="flex flex-wrap items-center gap-2 text-sm">
          {heatmaps.map((h) => (
            <button
              key={h.signal}
              onClick={() => setSelected(h.signal)}
              className={`rounded-full border px-3 py-1 ${selected === h.signal ? "border-slate-900 bg-slate-900 text-white" : "border-slate-300 bg-white"}`}
            >
              {h.signal}
            </button>
          ))}
          <label className="ml-auto flex items-center gap-2 text-slate-600">
            Overlay
            <input type="range" min={0} max={1} step={0.05} value={opacity} onChange={(e) => setOpacity(Number(e.target.value))} />
          </label>
        </div>
      )}
    </div>
  );
}
