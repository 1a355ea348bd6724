// Every background worker of the app registers itself when its module loads; the server entry imports
// this file once so that startBackgroundWork() starts them all. Job handlers register the same way.
import "./inbox.server";
import "./outbox.server";
import "./scheduler.server";
import "./retention.server";
import "./feedback.server";
import "./away.server";
import "./merchant-alerts.server";
