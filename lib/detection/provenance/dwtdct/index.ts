// Decoder for the invisible-watermark "dwtDct" scheme (github.com/ShieldMnt/invisible-watermark,
// imwatermark/maxDct.py `EmbedMaxDct`, scales=[0,36,36], block=4), which the Stable Diffusion v1/v2
// reference scripts, diffusers' SDXL pipelines and InvokeAI use to mark their outputs.
//
// The reference algorithm, step by step (transform.ts mirrors it; constants cite that source):
//   1. cv2.cvtColor(img, COLOR_BGR2YUV). `for channel in range(2)` with scales [0,36,36] means only
//      channel 1 (U) carries the mark; V's scale is never reached.
//   2. pywt.dwt2(U[:rows//4*4, :cols//4*4], 'haar'): keep the LL band, LL = (a+b+c+d)/2.
//   3. 4×4 blocks of LL scanned row-major; block n carries bit n mod wmLen.
//   4. In each block take the largest-magnitude coefficient other than the first
//      (np.argmax(abs(block.flatten()[1:])) + 1, first occurrence wins). Despite the "Dct" in the name,
//      the reference `infer_dct_matrix` reads the LL values themselves: no cv2.dct is applied in
//      maxDct.py (only the separate dwtDctSvd method does), so neither do we.
//   5. bit = (|v| mod 36) > 18; the reference averages these per position (majority vote).
//
// Which pixel domain the embedder worked in matters because OpenCV's YUV offset differs: uint8
// images get U = 0.492(B−Y) + 128 rounded to 8 bits, float images U = 0.492(B−Y) + 0.5. SD reference
// scripts and InvokeAI embed into uint8 BGR; diffusers embeds into float32 arrays that are RGB but
// handed to OpenCV as if BGR. We decode all four combinations and test every known payload and
// its bitwise inverse, then decide with a binomial tail corrected for the number of hypotheses.
//
// Cross-checked by hand (not in CI: no OpenCV here) against the reference arithmetic run with
// opencv-python-headless 5.0 and PyWavelets: marks embedded by it are found by this decoder
// (SD v1 uint8 132/136 bits, SDXL float 45/48), and the Python decoder reads marks from
// ../testing/watermark-embed.ts (130/136, 45/48). On near-grey content both fail alike: the scheme
// loses the mark at embedding time there, not in decoding.

export * from "./decoder";
export * from "./payloads";
export * from "./transform";
