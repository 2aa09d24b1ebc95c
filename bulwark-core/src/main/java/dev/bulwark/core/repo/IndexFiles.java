package dev.bulwark.core.repo;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.Id;
import dev.bulwark.core.pack.PackedBlob;
import java.util.List;
import java.util.Map;

/**
 * What all index files of a repository say, read afresh: for check and prune, which must not
 * trust an in-memory index that may predate their lock.
 *
 * @param ids every index file listed, readable or not
 * @param packs each pack named by a readable index file with its blobs, in the order read
 *     (the first description of a pack wins)
 * @param unreadable the index files that could not be read, with why, in the order listed
 * @param conflicting packs that two index files describe with different blobs
 * @param describedTwice true if some pack is named by more than one index file
 * @param describedBy for each pack of {@code packs}, the index file whose description it is
 */
public record IndexFiles(List<Id> ids, Map<Id, List<PackedBlob>> packs,
    Map<Id, BulwarkException> unreadable, List<Id> conflicting, boolean describedTwice,
    Map<Id, Id> describedBy) {}
