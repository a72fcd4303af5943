package media.edge.disk;

import io.netty.buffer.ByteBuf;

/**
 * One entry read back from the disk tier, verified against its checksums.
 *
 * <p>Whoever receives it owns {@link #body} and must release it. {@link #head} is the opaque
 * metadata given to {@link DiskTier#write} (serialized response headers); like any array in a
 * record it takes part in {@code equals} by identity only.
 *
 * @param storedAtMillis when {@link DiskTier#write} was called, by the tier's clock
 */
public record DiskEntry(String key, byte[] head, ByteBuf body, long storedAtMillis) {}
