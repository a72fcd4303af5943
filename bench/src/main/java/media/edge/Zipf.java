package media.edge;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Zipf-distributed ranks, the popularity of video segments, shared by the benchmarks that draw keys. */
public final class Zipf {
  private Zipf() {}

  /** {@code samples} ranks in {@code [0, n)}, rank r drawn with probability proportional to 1/(r+1)^s. */
  public static int[] ranks(int n, double s, int samples, SplittableRandom random) {
    double[] cumulative = new double[n];
    double sum = 0;
    for (int r = 0; r < n; r++) {
      sum += 1 / Math.pow(r + 1, s);
      cumulative[r] = sum;
    }
    int[] ranks = new int[samples];
    for (int i = 0; i < samples; i++) {
      int at = Arrays.binarySearch(cumulative, random.nextDouble() * sum);
      ranks[i] = Math.min(n - 1, at >= 0 ? at : -at - 1);
    }
    return ranks;
  }
}
