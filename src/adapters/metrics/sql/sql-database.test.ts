import { describe, expect, it } from "vitest";
import { bindSqlArguments, redact, sqlDialectOf } from "./sql-database.js";

describe("SQL connections of metrics and checks", () => {
  it("chooses the driver by the URL's scheme", () => {
    expect(sqlDialectOf("postgres://u@h/db")).toBe("postgres");
    expect(sqlDialectOf("postgresql://u@h/db")).toBe("postgres");
    expect(sqlDialectOf("mariadb://root@h/db")).toBe("mysql");
    expect(sqlDialectOf("mysql://root@h/db")).toBe("mysql");
    expect(sqlDialectOf("sqlite:/var/lib/shop.db")).toBe("sqlite");
    expect(sqlDialectOf("./shop.db")).toBe("sqlite");
    expect(() => sqlDialectOf("mongodb://h/db")).toThrow(/unsupported database URL scheme/);
  });

  it("binds every argument as a parameter in the dialect's placeholder syntax", () => {
    const sql =
      "select count(*) from orders where region = {{args.region}} and version = {{ args.version }} or region = {{args.region}}";
    expect(bindSqlArguments(sql, { region: "eu", version: "2" }, "postgres")).toEqual({
      sql: "select count(*) from orders where region = $1 and version = $2 or region = $3",
      params: ["eu", "2", "eu"],
    });
    expect(bindSqlArguments(sql, { region: "eu", version: "2" }, "mysql").sql).toBe(
      "select count(*) from orders where region = ? and version = ? or region = ?",
    );
    expect(() => bindSqlArguments(sql, { region: "eu" }, "sqlite")).toThrow(
      /\{\{args.version\}\} without a value/,
    );
  });

  it("hides passwords in messages", () => {
    expect(redact("postgres://app:s3cret@db:5432/shop")).toBe("postgres://app:***@db:5432/shop");
    expect(redact("mysql://root@db/shop")).toBe("mysql://root@db/shop");
  });
});
