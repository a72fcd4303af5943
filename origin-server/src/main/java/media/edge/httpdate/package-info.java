/**
 * HTTP's small lexical pieces, a leaf every package may use: dates (IMF-fixdate formatting, parsing of the
 * three historic forms, the per-second {@code Date}) and strict decimals.
 */
package media.edge.httpdate;
