/** The admin port: Prometheus scrape, liveness and readiness, kept off the data port. */
package media.edge.admin;
