package media.edge.hls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Arrays;

/**
 * The changes {@link PlaylistRewriter} decided on for one playlist, applied afterwards in one copy.
 * Collecting them first is what lets the output buffer be allocated at its exact final size (no
 * growth, no second parse) and lets the unchanged stretches between them go out as bulk copies.
 *
 * <p>Each edit is "copy the input up to {@code copyTo}, write an insertion, continue reading at
 * {@code resumeAt}": a pure insertion has {@code copyTo == resumeAt}, a removal writes nothing.
 * Edits are recorded in input order. Filled by one thread; once a {@code PlaylistRewriter.Plan}
 * holding it is published (a volatile {@code PlanSlot}), it is only read, by any number of threads.
 */
final class PlaylistEdits {
  /** Writes nothing: the edit only removes {@code [copyTo, resumeAt)}. */
  static final int NOTHING = 0;
  /** Writes {@code '?'} and the parameters: the URI had no query. */
  static final int QUESTION_MARK = 1;
  /** Writes {@code '&'} and the parameters: the URI's query goes on. */
  static final int AMPERSAND = 2;
  /** Writes the parameters alone: the output already ends in {@code '?'} or {@code '&'} there. */
  static final int BARE = 3;

  private static final int INTS_PER_EDIT = 3;

  private int[] edits;
  private int size;

  /** @param expected a guess at the number of edits, to size the first array */
  PlaylistEdits(int expected) {
    edits = new int[Math.max(4, expected) * INTS_PER_EDIT];
  }

  boolean isEmpty() {
    return size == 0;
  }

  void add(int copyTo, int resumeAt, int insertion) {
    if (size == edits.length) {
      edits = Arrays.copyOf(edits, size * 2);
    }
    edits[size] = copyTo;
    edits[size + 1] = resumeAt;
    edits[size + 2] = insertion;
    size += INTS_PER_EDIT;
  }

  /**
   * Copies the readable bytes of {@code input} into a new buffer with every edit applied. The input's
   * indices are left untouched.
   */
  ByteBuf apply(ByteBuf input, byte[] params, ByteBufAllocator allocator) {
    int from = input.readerIndex();
    int to = input.writerIndex();
    int length = outputLength(to - from, params.length);
    ByteBuf out = allocator.buffer(length, length);
    int position = from;
    for (int i = 0; i < size; i += INTS_PER_EDIT) {
      out.writeBytes(input, position, edits[i] - position);
      writeInsertion(out, edits[i + 2], params);
      position = edits[i + 1];
    }
    out.writeBytes(input, position, to - position);
    return out;
  }

  private int outputLength(int inputLength, int paramsLength) {
    long length = inputLength;
    for (int i = 0; i < size; i += INTS_PER_EDIT) {
      length -= edits[i + 1] - edits[i];
      length += insertionLength(edits[i + 2], paramsLength);
    }
    // An int-sized input with one insertion per line could exceed 2 GiB only if the parameters were
    // absurdly long; fail loudly rather than wrap around.
    return Math.toIntExact(length);
  }

  private static int insertionLength(int insertion, int paramsLength) {
    switch (insertion) {
      case QUESTION_MARK:
      case AMPERSAND:
        return paramsLength + 1;
      case BARE:
        return paramsLength;
      default:
        return 0;
    }
  }

  private static void writeInsertion(ByteBuf out, int insertion, byte[] params) {
    switch (insertion) {
      case QUESTION_MARK:
        out.writeByte('?');
        out.writeBytes(params);
        break;
      case AMPERSAND:
        out.writeByte('&');
        out.writeBytes(params);
        break;
      case BARE:
        out.writeBytes(params);
        break;
      default:
        break;
    }
  }
}
