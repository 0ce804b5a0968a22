import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AttendanceCsvRow, attendanceCsv, csvField } from "../../src/attendance/csv.ts";

const row = (over: Partial<AttendanceCsvRow> = {}): AttendanceCsvRow => ({
  localDate: "2026-11-23",
  sessionId: "ses_0000000000mon1",
  trackId: "trk_00000000morning",
  kind: "group",
  clientId: "clt_1",
  scheduledStart: "2026-11-23T17:00:00Z",
  scheduledEnd: "2026-11-23T20:00:00Z",
  clinicianIds: ["fac_1", "fac_2"],
  scheduledMinutes: 180,
  attendedMinutes: 155,
  status: "late",
  late: true,
  leftEarly: false,
  modality: "telehealth",
  version: 1,
  correction: null,
  ...over,
});

/** A strict RFC 4180 reader, to check that what we write reads back as the same fields. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let fields: string[] = [];
  let field = "";
  let i = 0;
  const endField = () => {
    fields.push(field);
    field = "";
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      // A quoted field: runs to the first quote that is not doubled.
      i++;
      for (;;) {
        if (i >= text.length) throw new Error("unterminated quote");
        if (text[i] !== '"') {
          field += text[i];
          i++;
        } else if (text[i + 1] === '"') {
          field += '"';
          i += 2;
        } else {
          i++;
          break;
        }
      }
    } else if (c === ",") {
      endField();
      i++;
    } else if (text.startsWith("\r\n", i)) {
      endField();
      rows.push(fields);
      fields = [];
      i += 2;
    } else if (c === "\r" || c === "\n") {
      throw new Error("bare line break outside quotes");
    } else {
      field += c;
      i++;
    }
  }
  if (field !== "" || fields.length) throw new Error("last line without CRLF");
  return rows;
}

describe("attendanceCsv", () => {
  it("writes the billing header and one CRLF-terminated line per record", () => {
    const corrected = {
      originalStatus: "partial" as const,
      originalMinutes: 100,
      by: "fac_1",
      at: "2026-11-23T21:00:00Z",
      reasonCode: "technical" as const,
    };
    const csv = attendanceCsv([
      row(),
      row({ clientId: "clt_2", trackId: null, kind: "individual", late: false, version: 2, correction: corrected }),
    ]);
    expect(csv).toBe(
      "date,session,track,kind,client,scheduled_start,scheduled_end,clinicians,scheduled_minutes,attended_minutes,status,late,left_early,modality,corrected,version\r\n" +
        "2026-11-23,ses_0000000000mon1,trk_00000000morning,group,clt_1,2026-11-23T17:00:00Z,2026-11-23T20:00:00Z,fac_1 fac_2,180,155,late,true,false,telehealth,false,1\r\n" +
        "2026-11-23,ses_0000000000mon1,,individual,clt_2,2026-11-23T17:00:00Z,2026-11-23T20:00:00Z,fac_1 fac_2,180,155,late,false,false,telehealth,true,2\r\n",
    );
  });

  it("writes only the header for an empty ledger", () => {
    expect(parseCsv(attendanceCsv([]))).toHaveLength(1);
  });

  it("quotes fields holding a comma, a quote or a line break, doubling quotes", () => {
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField("cr\rhere")).toBe('"cr\rhere"');
    expect(csvField("plain")).toBe("plain");
  });

  it.each(["=", "+", "-", "@", "\t", "\r"])("disarms a field starting with %j so no spreadsheet runs it", (c) => {
    const out = csvField(`${c}HYPERLINK("http://x")`);
    expect(parseCsv(`${out}\r\n`)[0]?.[0]).toBe(`'${c}HYPERLINK("http://x")`);
  });

  it("leaves formula characters alone when they are not first", () => {
    expect(csvField("clt_a-b@c=d")).toBe("clt_a-b@c=d");
    expect(csvField(180)).toBe("180");
  });

  it("reads back every field exactly (after disarming), one row per record, whatever the content", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string(), fc.string()), { maxLength: 8 }), (pairs) => {
        const rows = pairs.map(([clientId, sessionId]) => row({ clientId, sessionId }));
        const parsed = parseCsv(attendanceCsv(rows));
        expect(parsed).toHaveLength(rows.length + 1);
        for (const [i, [clientId, sessionId]] of pairs.entries()) {
          const disarm = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
          expect(parsed[i + 1]).toHaveLength(16);
          expect(parsed[i + 1]?.[1]).toBe(disarm(sessionId));
          expect(parsed[i + 1]?.[4]).toBe(disarm(clientId));
        }
      }),
    );
  });
});
