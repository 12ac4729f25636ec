// Inference time of the detector on a 1024×1024 image, one intra-op thread (as the engine runs it).
// Prints numbers; speed is a benchmark, not a test assertion.  npx tsx lib/detection/ml/bench.ts [model.onnx]
import { loadModel } from "./index";
import { parityImage } from "./testing";

async function main(): Promise<void> {
  const model = await loadModel(process.argv[2]);
  if (!model) throw new Error("no model file");
  const img = parityImage(1024, 1024);
  for (let i = 0; i < 3; i++) await model.predict(img);
  const runs = 20;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await model.predict(img);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${model.version}: 1024x1024, ${(await model.predict(img)).patches.length} patches, ` +
      `median ${times[runs >> 1]!.toFixed(1)} ms, min ${times[0]!.toFixed(1)} ms (preprocess + inference, 1 thread)`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
