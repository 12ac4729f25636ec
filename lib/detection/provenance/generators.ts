// Generator names as they appear in tool fields (EXIF Software, XMP CreatorTool / softwareAgent,
// IPTC OriginatingProgram, PNG "Software"/"Source"). Matched only against those fields, never against
// captions or prompts, where a name is just a word ("a Midjourney-style poster").
// Order matters: the first match wins, so specific names precede families.

export interface GeneratorName {
  pattern: RegExp;
  name: string;
}

export const GENERATOR_NAMES: GeneratorName[] = [
  { pattern: /\bdall[\s·\-_.]?e(?:[\s-]?[23])?\b/i, name: "DALL·E (OpenAI)" },
  { pattern: /\b(?:gpt[\s-]?4o|gpt[\s-]?image[\w.-]*|chatgpt|sora)\b/i, name: "OpenAI (ChatGPT / GPT image)" },
  { pattern: /\bfirefly\b/i, name: "Adobe Firefly" },
  { pattern: /\bmidjourney\b/i, name: "Midjourney" },
  { pattern: /\bnovel\s?ai\b/i, name: "NovelAI" },
  { pattern: /\bcomfy\s?ui\b/i, name: "ComfyUI" },
  { pattern: /\binvoke\s?ai\b/i, name: "InvokeAI" },
  { pattern: /\bfooocus\b/i, name: "Fooocus" },
  { pattern: /\bswarm\s?ui\b/i, name: "SwarmUI" },
  { pattern: /\bautomatic1111\b|stable-diffusion-webui/i, name: "AUTOMATIC1111 Stable Diffusion WebUI" },
  { pattern: /\bdreamstudio\b|\bstability\s?ai\b/i, name: "Stability AI (DreamStudio)" },
  { pattern: /\bstable[\s_-]?diffusion\b|\bsdxl\b/i, name: "Stable Diffusion" },
  { pattern: /\bimagen\b/i, name: "Google Imagen" },
  { pattern: /\bnano[\s-]?banana\b/i, name: "Google Gemini (Nano Banana)" },
  { pattern: /\bgemini\b/i, name: "Google Gemini" },
  { pattern: /\bleonardo[\s.]?ai\b/i, name: "Leonardo.Ai" },
  { pattern: /\bideogram\b/i, name: "Ideogram" },
  { pattern: /\bflux(?:\.1)?[\s-]?(?:dev|schnell|pro|kontext)\b|\bblack forest labs\b/i, name: "FLUX (Black Forest Labs)" },
  { pattern: /\bbing image creator\b|\bimage creator from (?:microsoft )?designer\b|\bmicrosoft designer\b/i, name: "Microsoft Designer / Bing Image Creator" },
  { pattern: /\bcraiyon\b/i, name: "Craiyon" },
  { pattern: /\bnightcafe\b/i, name: "NightCafe" },
  { pattern: /\bplayground\s?(?:ai|v\d)\b/i, name: "Playground" },
  { pattern: /\brunway\s?ml\b|\brunway gen-?\d\b/i, name: "Runway" },
];

/** Editors: their presence says the file was processed, nothing about where the pixels came from. */
export const EDITING_SOFTWARE = /\b(?:photoshop|lightroom|gimp|affinity|snapseed|capture one|darktable|rawtherapee|pixelmator|paint\.net|luminar|picasa|vsco)\b/i;

export function matchGenerator(value: string): string | null {
  for (const g of GENERATOR_NAMES) if (g.pattern.test(value)) return g.name;
  return null;
}
