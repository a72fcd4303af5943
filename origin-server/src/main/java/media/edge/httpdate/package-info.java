/** HTTP dates: IMF-fixdate formatting, parsing of the three historic forms, and the per-second {@code Date}. */
package media.edge.httpdate;
