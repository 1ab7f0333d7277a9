@0xe47e108c0da6c83f;
# The events one node process sends another for one synchronisation window:
# one blob per (window, sender, receiver), never one CAF message per event.

struct EventBatch {
  fromNode @0 :UInt32;      # the sending node process
  events @1 :List(Event);   # in the sender's delivery order
  payloads @2 :Data;        # every event's payload, back to back
}

struct Event {
  tNs @0 :Int64;            # virtual arrival time, ns
  dst @1 :UInt32;           # destination entity id
  src @2 :UInt32;           # source entity id
  seq @3 :UInt64;           # the source's sequence number
  type @4 :UInt16;          # wire type id (kernel/wire.hpp)
  payloadSize @5 :UInt32;   # bytes of this event's payload in `payloads`
  to @6 :UInt32;            # final destination; != dst: in transit via dst
}
