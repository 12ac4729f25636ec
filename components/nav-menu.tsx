"use client";

import { usePathname } from "next/navigation";
import { useEffect, useState, type ReactNode } from "react";

/**
 * The nav's links: a row from 768 px up (each link on one line; the row wraps between links when the
 * window is too narrow for all of them); below that, behind a "Menu" button that opens them as a
 * column (and closes again on navigation). One set of links either way.
 */
export function NavMenu({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const pathname = usePathname();
  useEffect(() => setOpen(false), [pathname]);
  return (
    <>
      <button
        type="button"
        aria-expanded={open}
        aria-controls="nav-links"
        onClick={() => setOpen((o) => !o)}
        className="ml-auto rounded border border-slate-400 px-2 py-1 text-slate-800 md:hidden"
      >
        {open ? "Close menu" : "Menu"}
      </button>
      <div
        id="nav-links"
        className={`${open ? "flex" : "hidden"} w-full flex-col gap-3 border-t border-slate-200 pt-3 md:flex md:w-auto md:flex-1 md:flex-row md:flex-wrap md:items-center md:gap-x-4 md:gap-y-2 md:whitespace-nowrap md:border-0 md:pt-0`}
      >
        {children}
      </div>
    </>
  );
}
