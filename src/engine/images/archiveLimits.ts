/**
 * Limits that keep one archive from filling the guest's 128 MB or the
 * worker's memory. `archiveBytes` bounds a whole archive file, and what a
 * gzip stream may decompress to, counted as it is decompressed. A module of
 * its own so the page can check a file's size before reading it without
 * loading the tar and gzip code.
 */
export const ARCHIVE_LIMITS = {
  entryBytes: 64 * 1024 * 1024,
  totalBytes: 96 * 1024 * 1024,
  entries: 100_000,
  archiveBytes: 128 * 1024 * 1024,
};

/** The largest archive file the page reads (docker load in the Build pane): checked before it is read. */
export const MAX_ARCHIVE_FILE_BYTES = ARCHIVE_LIMITS.archiveBytes;
