export const ICON_SIZES: number[];
export function renderIcons(sourceSvg?: string, outDir?: string): Promise<string[]>;
