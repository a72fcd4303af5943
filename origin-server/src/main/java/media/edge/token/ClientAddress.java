package media.edge.token;

import io.netty.util.NetUtil;
import java.util.Arrays;

/**
 * Compares a token's {@code ip} field with the client address. Equal text matches; otherwise both are
 * read as IP literals (never resolved: Netty's parser does no DNS) and compared as addresses, so
 * {@code 2001:db8::1} matches {@code 2001:db8:0:0:0:0:0:1} and an IPv4-mapped IPv6 address
 * ({@code ::ffff:192.0.2.1}, what a dual-stack socket reports) matches its IPv4 form. Anything that
 * is not a literal matches only itself.
 *
 * <p>Stateless; safe from any thread.
 */
final class ClientAddress {

  private ClientAddress() {}

  /** True when the token's {@code ip} names the same address as {@code clientIp} (which may be null). */
  static boolean matches(String tokenIp, String clientIp) {
    if (clientIp == null) {
      return false;
    }
    if (tokenIp.equals(clientIp)) {
      return true;
    }
    byte[] expected = unmapped(NetUtil.createByteArrayFromIpAddressString(tokenIp));
    byte[] actual = unmapped(NetUtil.createByteArrayFromIpAddressString(clientIp));
    return expected != null && actual != null && Arrays.equals(expected, actual);
  }

  /** The four IPv4 bytes of an IPv4-mapped IPv6 address, any other address as it is. */
  private static byte[] unmapped(byte[] address) {
    if (address == null || address.length != 16) {
      return address;
    }
    for (int i = 0; i < 10; i++) {
      if (address[i] != 0) {
        return address;
      }
    }
    if (address[10] != (byte) 0xff || address[11] != (byte) 0xff) {
      return address;
    }
    return Arrays.copyOfRange(address, 12, 16);
  }
}
