// Entry of a detection thread (./pool.ts). Plain JavaScript on purpose: it loads the TypeScript engine
// through tsx's ESM hooks only, and the pool starts it without the parent's `--import tsx`. tsx's
// CommonJS hooks detach an ArrayBuffer whenever they load a CommonJS package, and after the first
// detach V8 re-checks every typed-array access for detachment in that isolate: the engine's pixel
// loops then run about 40 % slower. A thread is its own isolate, so it stays fast whatever the host
// process (Next.js, `tsx`) has done.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.serve);
