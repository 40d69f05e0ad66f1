import { describe, expect, it } from "vitest";
import { parseColumnType } from "../../generators/manifest/column-type";

describe("parseColumnType", () => {
  it.each([
    ["string", "string"],
    ["INT", "int"],
    ["integer", "int"],
    ["decimal", "decimal(10,0)"],
    ["decimal(12, 4)", "decimal(12,4)"],
    ["varchar(255)", "varchar(255)"],
    ["char(2)", "char(2)"],
    ["array<string>", "array<string>"],
    ["map<string, bigint>", "map<string,bigint>"],
    ["struct<browser:string, os:string>", "struct<browser:string,os:string>"],
    ["array<struct<sku:string,amount:decimal(18,2)>>", "array<struct<sku:string,amount:decimal(18,2)>>"],
  ])("accepts %s as %s", (src, canonical) => {
    expect(parseColumnType(src)).toEqual({ ok: true, canonical });
  });

  it.each([
    ["varchr(10)", 'unknown type "varchr"'],
    ["decimal(40,2)", "decimal precision must be 1-38, not 40"],
    ["decimal(5,6)", "decimal scale 6 is larger than its precision 5"],
    ["varchar", 'expected "(" at "end"'],
    ["array<string", 'expected ">" at "end"'],
    ["map<array<int>,string>", "a map key must be a primitive type, not array<int>"],
    ["struct<a:int,a:string>", 'struct field "a" appears twice'],
    ["string extra", 'unexpected "extra" after string'],
    ["", 'expected a type name at "end"'],
  ])("fails when the type is %s", (src, reason) => {
    expect(parseColumnType(src)).toEqual({ ok: false, reason });
  });
});
