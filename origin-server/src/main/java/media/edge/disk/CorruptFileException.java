package media.edge.disk;

/**
 * A tier file (an entry or the ban list) that is not what its name and checksums promise. The
 * message says which check failed and never names the file or the key. No stack trace: it is an
 * expected outcome, counted and handled where it is caught.
 */
final class CorruptFileException extends Exception {
  CorruptFileException(String message) {
    super(message, null, false, false);
  }
}
