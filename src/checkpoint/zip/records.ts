// Zip record signatures and limits (PKWARE APPNOTE.TXT).
export const SIG = {
  LOCAL: 0x04034b50,
  CENTRAL: 0x02014b50,
  END: 0x06054b50,
  ZIP64_END: 0x06064b50,
  ZIP64_LOCATOR: 0x07064b50,
} as const;

/** Extra-field id of the zip64 sizes and offset. */
export const ZIP64_EXTRA = 0x0001;
/** Extra-field id PyTorch uses to pad a local header so that the entry's data is aligned ("FB"). */
export const PADDING_EXTRA = 0x4246;

export const U16_MAX = 0xffff;
export const U32_MAX = 0xffffffff;
