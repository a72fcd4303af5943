package media.edge.disk;

import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * One entry of the disk tier opened for sending its body from the file ({@code sendfile}) rather than
 * read into memory: checked once against both its checksums, then kept open by whoever holds it.
 *
 * <p>The holder owns {@link #channel} and must close it. {@link #head} is the opaque metadata given to
 * {@link DiskTier#write}; like any array in a record it takes part in {@code equals} by identity only.
 *
 * @param file the entry file (for reopening when the descriptor cannot be kept)
 * @param bodyOffset where the body starts in the file
 * @param bodyLength the body's length
 * @param storedAtMillis when {@link DiskTier#write} was called, by the tier's clock
 */
public record DiskFile(
    String key, byte[] head, Path file, FileChannel channel, long bodyOffset, long bodyLength, long storedAtMillis) {}
