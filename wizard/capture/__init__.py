"""Reading a call's capture: pcap or pcapng in, the SIP ladder and findings out.

Headless core (no Textual, no Rich). `dpkt` decodes the file formats and the
link, IP, TCP and UDP layers; it is imported only inside the functions that read
a capture, so importing this package (or building the command line) costs
nothing. The modules, in the order a packet goes through them:

* `wizard.capture.records`: the file as a bounded stream of (number, time, frame) records;
* `wizard.capture.decode`: a frame to a UDP or TCP payload with its endpoints (IPv4
  fragments reassembled);
* `wizard.capture.tcp`: TCP byte streams to whole SIP messages, and TLS noticed;
* `wizard.capture.sipwire`: SIP recognised by content, sanitised, parsed by
  `wizard.sipparse`;
* `wizard.capture.rtp`: RTP streams with packets, losses and RFC 3550 jitter;
* `wizard.capture.sdp`: the media endpoints and payload names an SDP announces;
* `wizard.capture.calls`: messages grouped by Call-ID and each call's findings;
* `wizard.capture.analyze`: all of the above over one file; `wizard.capture.render`: the ladder,
  findings and JSON; `wizard.capture.cli`: `edge-wizard pcap`.

See docs/capture.md.
"""
