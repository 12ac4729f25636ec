// Next.js start-up hook: migrate the database, create the first admin, start the in-process worker.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startInProcessWorker } = await import("./lib/worker/in-process");
  await startInProcessWorker();
}
