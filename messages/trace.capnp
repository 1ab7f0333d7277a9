# Trace shard format: the on-disk encoding of DIR/shard-<node>.capnp.
#
# A shard file is a plain concatenation of Cap'n Proto *packed* messages
# (capnp::writePackedMessage), each with a ShardBatch root. There is no file
# header and no footer: a reader reads batches until end of file. The record
# count of each shard is stored in the trace manifest (manifest.json), which
# is how a reader detects a shard truncated at a batch boundary.
#
# Name tables are incremental: a batch carries only the event names and field
# keys that were interned since the previous batch of the same shard. Ids are
# dense and assigned in order, so a reader appends `newEventNames` to its
# event-name table and `newFieldKeys` to its field-key table before decoding
# the batch's records. A record only refers to names carried by its own batch
# or an earlier one.
#
# Records inside a shard are in canonical order (non-decreasing order key,
# see kernel/trace_sink.hpp). Time is delta-encoded inside a batch so that
# records of one virtual instant pack to a handful of bytes.
#
# See docs/trace-format.md for the manifest, the canonical order and the
# digest.

@0x887b19f67be57c2d;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("vmss::trace::wire");

# One batch of records, the root of every message in a shard file.
struct ShardBatch {
  # Node (process) that wrote the shard; equal in every batch of a file.
  node @0 :UInt32;

  # 0-based position of this batch in its shard file; a reader checks that
  # batches arrive as 0, 1, 2, ...
  index @1 :UInt32;

  # Virtual time (ns) of the batch's first record. Record i has
  # t_ns = baseTNs + sum of records[0..i].dtNs (records[0].dtNs is 0).
  baseTNs @2 :Int64;

  # Event names interned since the previous batch, in id order: the first
  # one has id = number of event names carried by earlier batches.
  newEventNames @3 :List(Text);

  # Field keys first used since the previous batch, in id order (same rule
  # as newEventNames, separate id space).
  newFieldKeys @4 :List(Text);

  # The records, in canonical order.
  records @5 :List(Record);
}

# One trace record. Layout: 4 data words + 1 pointer. Zero-heavy on
# purpose: packing drops zero bytes, so a record without fields whose time
# did not advance costs about 12-20 bytes on disk.
struct Record {
  # t_ns minus the previous record's t_ns in this batch (0 for the first
  # record of a batch). Non-negative for a well-ordered shard.
  dtNs @0 :Int64;

  # Entity id (index into the manifest's entity table) of the entity that
  # emitted the record, i.e. the destination of the event that produced it.
  entity @1 :UInt32;

  # Entity id of the event's source (order_key.src).
  src @2 :UInt32;

  # Sequence number of the event at its source (order_key.seq).
  seq @3 :UInt64;

  # Index of this record among the records of one event (order_key.sub);
  # usually 0.
  sub @4 :UInt32;

  # Event name id (index into the shard's event-name table).
  event @5 :UInt16;

  # Event-specific key/value details; null (one zero word) when empty.
  fields @6 :List(Field);
}

# One key=value detail of a record.
struct Field {
  # Field key id (index into the shard's field-key table).
  key @0 :UInt16;

  # The typed value.
  value :union {
    # 64-bit signed integer.
    int @1 :Int64;
    # IEEE-754 double.
    float @2 :Float64;
    # Boolean.
    bool @3 :Bool;
    # UTF-8 string (not NUL-terminated; may be empty).
    text @4 :Text;
  }
}
