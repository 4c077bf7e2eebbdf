#include "pg/privileges.h"

#include <algorithm>

namespace pg2iceberg::pg {
namespace {

std::string Qualified(const SourceTable& table) {
  return QuoteIdentifier(table.schema_name) + "." + QuoteIdentifier(table.table_name);
}

// The one-cell answer of `sql` as text ("" for NULL).
Result<std::string> One(PgConnection& connection, const std::string& sql,
                        const std::vector<std::optional<std::string>>& params = {}) {
  ASSIGN_OR_RETURN(PgRows rows, connection.ExecParams(sql, params));
  if (rows.rows.size() != 1 || rows.rows[0].size() != 1) {
    return Status::Internal("unexpected answer to a privilege check: " + sql);
  }
  return rows.rows[0][0].value_or("");
}

Result<bool> Holds(PgConnection& connection, const std::string& sql,
                   const std::vector<std::optional<std::string>>& params = {}) {
  Result<std::string> answer = One(connection, sql, params);
  if (!answer.ok()) return answer.status();
  return answer->compare("true") == 0;
}

}  // namespace

Status CheckPrivileges(PgConnection& connection, const PrivilegeNeeds& needs) {
  ASSIGN_OR_RETURN(PgRows role_rows,
                   connection.ExecParams("SELECT current_user::text, rolsuper::text, "
                                         "rolreplication::text, current_database()::text "
                                         "FROM pg_catalog.pg_roles WHERE rolname = current_user",
                                         {}));
  if (role_rows.rows.size() != 1 || role_rows.rows[0].size() != 4) {
    return Status::Internal("the current role is not in pg_roles");
  }
  const std::string role = role_rows.rows[0][0].value_or("");
  if (role_rows.rows[0][1] == "true") return Status::Ok();  // a superuser has every privilege
  const std::string grantee = QuoteIdentifier(role);
  const std::string database = role_rows.rows[0][3].value_or("");
  std::vector<std::string> missing;

  if (needs.replication && role_rows.rows[0][2] != "true") {
    missing.push_back("REPLICATION, to read the replication slot: ALTER ROLE " + grantee +
                      " REPLICATION");
  }
  for (const SourceTable& table : needs.tables) {
    ASSIGN_OR_RETURN(bool select,
                     Holds(connection, "SELECT has_table_privilege($1::oid, 'SELECT')::text",
                           {std::to_string(table.oid)}));
    if (!select) {
      missing.push_back("SELECT on " + table.QualifiedName() + ", to copy it: GRANT SELECT ON " +
                        Qualified(table) + " TO " + grantee);
    }
  }
  if (needs.publication) {
    const std::string& name = *needs.publication;
    ASSIGN_OR_RETURN(PgRows publication,
                     connection.ExecParams("SELECT puballtables::text, pubviaroot::text, "
                                           "pg_has_role(pubowner, 'USAGE')::text "
                                           "FROM pg_catalog.pg_publication WHERE pubname = $1",
                                           {name}));
    std::vector<const SourceTable*> to_add;
    for (const SourceTable& table : needs.published) {
      if (!publication.rows.empty()) {
        if (publication.rows[0][0] == "true") break;
        ASSIGN_OR_RETURN(bool published,
                         Holds(connection,
                               "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_rel "
                               "WHERE prpubid = (SELECT oid FROM pg_catalog.pg_publication "
                               "WHERE pubname = $1) AND prrelid = $2::oid)::text",
                               {name, std::to_string(table.oid)}));
        if (published) continue;
      }
      to_add.push_back(&table);
    }
    const bool set_root = !publication.rows.empty() && publication.rows[0][1] != "true";
    std::vector<std::string> not_owned;
    for (const SourceTable* table : to_add) {
      ASSIGN_OR_RETURN(bool owner,
                       Holds(connection,
                             "SELECT pg_has_role(relowner, 'USAGE')::text FROM pg_catalog.pg_class "
                             "WHERE oid = $1::oid",
                             {std::to_string(table->oid)}));
      if (!owner) not_owned.push_back(Qualified(*table));
    }
    std::string list;
    for (const SourceTable* table : to_add) list += (list.empty() ? "" : ", ") + Qualified(*table);
    if (publication.rows.empty()) {
      ASSIGN_OR_RETURN(bool create, Holds(connection,
                                          "SELECT has_database_privilege(current_database(), "
                                          "'CREATE')::text"));
      if (!not_owned.empty() || !create) {
        missing.push_back("the publication " + name +
                          " (creating it takes ownership of its tables and CREATE "
                          "on the database): have their owner run CREATE PUBLICATION " +
                          QuoteIdentifier(name) + " FOR TABLE " + list +
                          " WITH (publish_via_partition_root = true)");
      }
    } else if (!to_add.empty() || set_root) {
      const bool owns_publication = publication.rows[0][2] == "true";
      if (!owns_publication || !not_owned.empty()) {
        std::string statements;
        if (!to_add.empty()) {
          statements = "ALTER PUBLICATION " + QuoteIdentifier(name) + " ADD TABLE " + list;
        }
        if (set_root) {
          statements += std::string(statements.empty() ? "" : "; ") + "ALTER PUBLICATION " +
                        QuoteIdentifier(name) + " SET (publish_via_partition_root = true)";
        }
        missing.push_back("the publication " + name +
                          " as capture needs it (changing it takes ownership of it and of the "
                          "tables added): have its owner run " +
                          statements);
      }
    }
  }
  if (needs.coordinator_schema) {
    const std::string& schema = *needs.coordinator_schema;
    ASSIGN_OR_RETURN(bool exists, Holds(connection,
                                        "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace "
                                        "WHERE nspname = $1)::text",
                                        {schema}));
    if (!exists) {
      ASSIGN_OR_RETURN(bool create, Holds(connection,
                                          "SELECT has_database_privilege(current_database(), "
                                          "'CREATE')::text"));
      if (!create) {
        missing.push_back("CREATE on database " + database + ", to create the coordinator schema " +
                          schema + ": GRANT CREATE ON DATABASE " + QuoteIdentifier(database) +
                          " TO " + grantee + " (or CREATE SCHEMA " + QuoteIdentifier(schema) +
                          " AUTHORIZATION " + grantee + ")");
      }
    } else {
      for (const char* privilege : {"USAGE", "CREATE"}) {
        ASSIGN_OR_RETURN(bool held, Holds(connection, "SELECT has_schema_privilege($1, $2)::text",
                                          {schema, std::string(privilege)}));
        if (!held) {
          missing.push_back(std::string(privilege) + " on the coordinator schema " + schema +
                            ": GRANT " + privilege + " ON SCHEMA " + QuoteIdentifier(schema) +
                            " TO " + grantee);
        }
      }
    }
  }
  if (needs.sql_catalog) {
    ASSIGN_OR_RETURN(std::string catalog,
                     One(connection, "SELECT to_regclass('iceberg_tables')::text"));
    if (catalog.empty()) {
      ASSIGN_OR_RETURN(std::string schema, One(connection, "SELECT current_schema()::text"));
      if (schema.empty()) {
        missing.push_back(
            "a schema to create the SQL catalog's tables in: the role's search_path names none "
            "that exists");
      } else {
        ASSIGN_OR_RETURN(
            bool create,
            Holds(connection, "SELECT has_schema_privilege($1, 'CREATE')::text", {schema}));
        if (!create) {
          missing.push_back("CREATE on schema " + schema +
                            ", to create the SQL catalog's tables: GRANT CREATE ON SCHEMA " +
                            QuoteIdentifier(schema) + " TO " + grantee);
        }
      }
    } else {
      std::vector<std::string> lacking;
      for (const char* table : {"iceberg_tables", "iceberg_namespace_properties"}) {
        for (const char* privilege : {"SELECT", "INSERT", "UPDATE", "DELETE"}) {
          ASSIGN_OR_RETURN(bool held, Holds(connection,
                                            "SELECT (to_regclass($1) IS NULL OR "
                                            "has_table_privilege(to_regclass($1), $2))::text",
                                            {std::string(table), std::string(privilege)}));
          if (!held && std::find(lacking.begin(), lacking.end(), privilege) == lacking.end()) {
            lacking.push_back(privilege);
          }
        }
      }
      if (!lacking.empty()) {
        std::string list;
        for (const std::string& privilege : lacking) list += (list.empty() ? "" : ", ") + privilege;
        missing.push_back(list +
                          " on the SQL catalog's tables: GRANT SELECT, INSERT, UPDATE, "
                          "DELETE ON iceberg_tables, iceberg_namespace_properties TO " +
                          grantee);
      }
    }
  }
  if (missing.empty()) return Status::Ok();
  std::string message = "the role " + role + " lacks what pg2iceberg needs on the source:";
  for (const std::string& line : missing) message += "\n  - " + line;
  message += "\n(docs/privileges.md lists every privilege and why)";
  return Status::InvalidArgument(message);
}

}  // namespace pg2iceberg::pg
