package dev.bulwark.examples.ledger;

/**
 * One posted entry: {@code amount} (in cents) to {@code account}.
 *
 * @param id its row id, given by the database
 */
public record Entry(long id, String account, long amount) {}
