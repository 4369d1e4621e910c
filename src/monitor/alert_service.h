// AlertService: the Alerts API (docs/monitoring.md "Alerts") over the repository: rule CRUD with
// validation (monitor/alert_rule.h), the alert history with filters, acknowledgement. Answers are
// JSON in the shapes of RuleToJson / AlertToJson.
//
// Built-in rules may be edited (and disabled) but not deleted: DeleteRule answers ConflictError.
// A rule's webhookId must name an existing webhook endpoint, its applicationId an existing
// application (ValidationError otherwise; checked when set or changed).
//
// Ownership / lifetime: references the repository and the application service, which must outlive
// it. Thread safety: every method may be called from any thread; they block on the database
// (blocking pool only). Failure: ValidationError (400), NotFoundError (404), ConflictError (409:
// a duplicate name, deleting a built-in rule), UnavailableError (database).
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <string>

#include "core/result.h"
#include "registry/application_service.h"
#include "store/alert_repository.h"

namespace rt::monitor {

// GET /api/alerts query, as sent (strings; validated by ListAlerts).
struct AlertQuery {
  std::string severity, environment, state, rule_id;
  int limit = 100;
  int offset = 0;
};

class AlertService {
 public:
  AlertService(store::AlertRepository& repo, registry::ApplicationService& apps) : repo_(repo), apps_(apps) {}

  // Inserts the built-in rules that are missing (start-up; safe on every instance).
  Status EnsureBuiltins();

  Result<boost::json::array> ListRules();
  Result<boost::json::object> GetRule(const std::string& id);
  Result<boost::json::object> CreateRule(const boost::json::object& body);
  Result<boost::json::object> UpdateRule(const std::string& id, const boost::json::object& body);
  Status DeleteRule(const std::string& id);

  // severity info|warning|critical, environment development|staging|production (its alerts and
  // the unscoped ones), state firing|resolved, ruleId; "" = any. Newest first.
  Result<boost::json::array> ListAlerts(const AlertQuery& query);
  Result<boost::json::object> GetAlert(const std::string& id);
  // Records who acknowledged (the first acknowledgement is kept) and returns the alert.
  Result<boost::json::object> Acknowledge(const std::string& id, const std::string& by);

 private:
  // The application and webhook a rule names exist (only those that changed from `before`, so a
  // rule whose endpoint was deleted since can still be edited).
  Status CheckReferences(const store::AlertRuleRow& rule, const store::AlertRuleRow* before);

  store::AlertRepository& repo_;
  registry::ApplicationService& apps_;
};

}  // namespace rt::monitor
