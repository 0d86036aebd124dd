"""Reading a call's capture: pcap or pcapng in, the SIP ladder and findings out.

Headless core (no Textual, no Rich). ``dpkt`` decodes the file formats and the
link, IP, TCP and UDP layers; it is imported only inside the functions that read
a capture, so importing this package (or building the command line) costs
nothing. The modules, in the order a packet goes through them:

* :mod:`.records`: the file as a bounded stream of (number, time, frame) records;
* :mod:`.decode`: a frame to a UDP or TCP payload with its endpoints (IPv4
  fragments reassembled);
* :mod:`.tcp`: TCP byte streams to whole SIP messages, and TLS noticed;
* :mod:`.sipwire`: SIP recognised by content, sanitised, parsed by
  :mod:`wizard.sipparse`;
* :mod:`.rtp`: RTP streams with packets, losses and RFC 3550 jitter;
* :mod:`.sdp`: the media endpoints and payload names an SDP announces;
* :mod:`.calls`: messages grouped by Call-ID and each call's findings;
* :mod:`.analyze`: all of the above over one file; :mod:`.render`: the ladder,
  findings and JSON; :mod:`.cli`: ``edge-wizard pcap``.

See docs/capture.md.
"""
