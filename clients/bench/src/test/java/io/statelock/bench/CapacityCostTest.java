package io.statelock.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The capacity units read off /q/metrics and what they cost. The samples are real scrapes of the packaged
 * service on dynalite (its statelock_* series, histogram buckets left out): 3 HTTP-backend lock cycles (the first
 * acquire also registered the segment {@code demo}: 2 units), then
 * over gRPC an acquire, two heartbeats, a List of {@code demo/} and a release; the "after" sample one more such round.
 */
class CapacityCostTest {

    static String sample(String name) throws IOException {
        try (InputStream in = CapacityCostTest.class.getResourceAsStream("/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void readsTheTaggedSeriesOfAScrapeInBothFormats() throws IOException {
        for (String name : new String[] {"metrics-dynamodb-openmetrics.txt", "metrics-dynamodb-text.txt"}) {
            CapacityUnits u = CapacityUnits.parse(sample(name));
            assertTrue(u.scraped() && u.any(), name);
            assertEquals(new CapacityUnits.Units(5, 0, 0, 0), u.of("acquire"), name);
            assertEquals(new CapacityUnits.Units(2, 0, 0, 0), u.of("heartbeat"), name);
            assertEquals(new CapacityUnits.Units(4, 0, 0, 0), u.of("release"), name);
            assertEquals(new CapacityUnits.Units(8, 0, 0, 0), u.of("audit"), name);
            // A List: the keys-only index's Query (on="by-segment") and the consistent BatchGetItem of the page
            // (table).
            assertEquals(new CapacityUnits.Units(0, 0, 2, 0.5), u.of("list"), name);
            assertEquals(CapacityUnits.Units.NONE, u.of("force_release"), name);
        }
    }

    @Test
    void theDeltaOfTwoScrapesDividedByTheCallsIsTheUnitsPerCall() throws IOException {
        CapacityUnits delta = CapacityUnits.parse(sample("metrics-dynamodb-openmetrics-after.txt"))
                .minus(CapacityUnits.parse(sample("metrics-dynamodb-openmetrics.txt")));
        CapacityUnits.PerOp acquire = delta.perOp("acquire", 1);
        CapacityUnits.PerOp heartbeat = delta.perOp("heartbeat", 2);
        assertEquals(1.0, acquire.write());
        assertEquals(0.0, acquire.read());
        assertEquals(1.0, heartbeat.write());
        assertEquals(1.0, delta.perOp("release", 1).write());
        assertEquals(2.0, delta.perOp("audit", 1).write()); // one audit item per acquire and per release
        assertEquals(2.5, delta.perOp("list", 1).read()); // 2 on the table + 0.5 on the index
        assertEquals(0.5, delta.perOp("list", 1).readIndex());
        assertEquals("heartbeat W 1.00 (index 0.00) R 0.00", heartbeat.cell());
        assertEquals(0.5, acquire.plus(delta.perOp("acquire", 3)).write(), 1e-12); // 2 units over 4 calls
    }

    @Test
    void labelValuesAreUnescapedAndAFailedScrapeIsNotAMeasurement() {
        assertEquals(
                Map.of("a", "x,\"y\"", "on", "by-segment"),
                CapacityUnits.labels("a=\"x,\\\"y\\\"\",on=\"by-segment\","));
        CapacityUnits failed = CapacityUnits.parse("");
        assertFalse(failed.scraped());
        assertFalse(failed.any());
        assertTrue(Double.isNaN(failed.perOp("acquire", 0).write()));
    }

    @Test
    void aMillionCyclesAtOneWriteUnitPerCallCostOneDollarTwentyFive() {
        CapacityUnits.PerOp one = new CapacityUnits.PerOp("acquire", 1000, new CapacityUnits.Units(1000, 0, 0, 0));
        CapacityUnits.PerOp release = new CapacityUnits.PerOp("release", 1000, new CapacityUnits.Units(1000, 0, 0, 0));
        CapacityUnits.PerOp heartbeat = new CapacityUnits.PerOp("heartbeat", 10, new CapacityUnits.Units(10, 0, 0, 0));
        assertEquals(1.25, CostModel.ON_DEMAND.millionCycles(one, release, 0, heartbeat), 1e-9);
        // with two heartbeats per cycle: 4 write units a cycle
        assertEquals(2.50, CostModel.ON_DEMAND.millionCycles(one, release, 2, heartbeat), 1e-9);
        // reads at $0.125 per million: a million strongly consistent reads of one unit
        assertEquals(0.125, CostModel.ON_DEMAND.dollars(0, 1e6), 1e-12);
    }

    @Test
    void aMonthOfAThousandLeasesAtTtlThirdsIs259MillionHeartbeatsAnd162Dollars() {
        assertEquals(1_000 * 86_400.0 * 30 / 10, CostModel.heartbeatsPerMonth(1_000, 30));
        assertEquals(259_200_000, CostModel.heartbeatsPerMonth(1_000, 30));
        CapacityUnits.PerOp heartbeat = new CapacityUnits.PerOp("heartbeat", 4, new CapacityUnits.Units(4, 0, 0, 0));
        assertEquals(162.0, CostModel.ON_DEMAND.heartbeatMonth(1_000, 30, heartbeat), 1e-9);
    }

    @Test
    void theLedgerSumsPhasesAndPrintsThePriceAndBothCosts() {
        CapacityLedger ledger = new CapacityLedger();
        ledger.add(new CapacityUnits.PerOp("acquire", 100, new CapacityUnits.Units(101, 0, 0, 0)));
        ledger.add(new CapacityUnits.PerOp("acquire", 300, new CapacityUnits.Units(299, 0, 0, 0)));
        ledger.add(new CapacityUnits.PerOp("release", 400, new CapacityUnits.Units(400, 0, 0, 0)));
        ledger.add(new CapacityUnits.PerOp("audit", 400, new CapacityUnits.Units(800, 0, 0, 0)));
        ledger.add(new CapacityUnits.PerOp("heartbeat", 1000, new CapacityUnits.Units(1000, 0, 0, 0)));
        ledger.add(new CapacityUnits.PerOp("heartbeat", 0, CapacityUnits.Units.NONE)); // nothing measured: ignored
        assertEquals(1.0, ledger.get("acquire").write(), 1e-12);
        assertEquals(1000, ledger.get("heartbeat").count());
        List<String> lines = ledger.lines(CostModel.ON_DEMAND, true);
        String all = String.join("\n", lines);
        assertTrue(lines.get(0).contains("$0.625 per million write request units, $0.125 per million read"), all);
        assertTrue(all.contains("acquire W 1.00 (index 0.00) R 0.00 over 400 calls"), all);
        assertTrue(all.contains("W 2.00 R 0.00 per cycle → $1.25; with the audit trail's W 2.00 per cycle $2.50"), all);
        assertTrue(
                all.contains(
                        "1,000 leases heartbeating at ttl/3, ttl 30 s: 259,200,000 heartbeats × W 1.00 R 0.00 → $162.00"),
                all);
        assertTrue(all.contains("dynalite reports the write units of the table only"), all);
        assertTrue(new CapacityLedger().lines(CostModel.ON_DEMAND, true).isEmpty());
    }

    @Test
    void theReportGainsAColumnAndACostSection() {
        Report report = new Report();
        report.add(new Result("keep-alive", "statelock", "dynamodb", 1000, 1000, 10, 1, 2, 3, 1, 1, 1, "n")
                .withCapacity("heartbeat W 1.00 (index 0.00) R 0.00"));
        report.capacity(List.of("a million lock cycles: $1.25"));
        String md = report.markdown("run", "clients/bench/run.sh --quick", "2 cores");
        assertTrue(md.contains("| DynamoDB units per call | notes |"), md);
        assertTrue(md.contains("| 1 | heartbeat W 1.00 (index 0.00) R 0.00 | n |"), md);
        assertTrue(md.contains("## DynamoDB capacity and cost\n\n- a million lock cycles: $1.25\n"), md);
    }
}
