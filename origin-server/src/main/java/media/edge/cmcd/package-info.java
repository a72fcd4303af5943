/** Common Media Client Data (CTA-5004): reading what players report, and the audience it adds up to. */
package media.edge.cmcd;
