// Every test file runs with the network closed except loopback: simulators listen on 127.0.0.1.
import nock from "nock";

nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/);
