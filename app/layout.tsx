import type { Metadata } from "next";
import type { ReactNode } from "react";
import { Nav } from "@/components/nav";
import { Providers } from "@/components/providers";
import "./globals.css";

// Every page is rendered per request: its scripts carry that request's CSP nonce (proxy.ts), which a
// page prerendered at build time could not.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { default: "Loupe", template: "%s · Loupe" },
  description: "Self-hosted AI-generated image detection and review queue",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>
          <Nav />
          <main id="main" tabIndex={-1} className="mx-auto max-w-7xl px-4 py-6 outline-none md:px-6">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
