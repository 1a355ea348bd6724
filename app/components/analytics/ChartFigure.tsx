import {
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Collapsible,
  DataTable,
  SkeletonBodyText,
  Text,
} from "@shopify/polaris";
import { useEffect, useId, useState, type ReactNode } from "react";
import { useAnalyticsFormat } from "./format";

type ChartsModule = typeof import("./charts.client");

let chartsModule: Promise<ChartsModule> | null = null;

/**
 * polaris-viz, loaded in the browser after hydration (a separate chunk): null until then, and on the
 * server. "failed" when the chunk could not be loaded (the data tables still work).
 */
export function useCharts(): ChartsModule | null | "failed" {
  const [state, setState] = useState<ChartsModule | null | "failed">(null);
  useEffect(() => {
    let live = true;
    chartsModule ??= import("./charts.client");
    chartsModule.then(
      (mod) => live && setState(mod),
      () => {
        chartsModule = null;
        if (live) setState("failed");
      },
    );
    return () => {
      live = false;
    };
  }, []);
  return state;
}

/** A card with a heading (h2) and a description that its figures refer to. */
export function Section({
  title,
  help,
  children,
  titleId,
  helpId,
}: {
  title: string;
  help?: string;
  children: ReactNode;
  titleId?: string;
  helpId?: string;
}) {
  return (
    <Card>
      <BlockStack gap="400">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd" id={titleId}>
            {title}
          </Text>
          {help ? (
            <Text as="p" tone="subdued" id={helpId}>
              {help}
            </Text>
          ) : null}
        </BlockStack>
        {children}
      </BlockStack>
    </Card>
  );
}

export interface FigureTable {
  headings: string[];
  rows: (string | number)[][];
  /** Column types (DataTable): the first is text by default, the others numeric. */
  types?: ("text" | "numeric")[];
}

/**
 * One chart with its accessible twin: the figure is labelled (and described) by the section's text, and a
 * disclosure shows the same numbers as a data table for screen readers, keyboards and printouts.
 */
export function ChartFigure({
  label,
  description,
  chart,
  table,
  height = 260,
}: {
  label: string;
  description?: string;
  chart: (charts: ChartsModule) => ReactNode;
  table: FigureTable;
  height?: number;
}) {
  const f = useAnalyticsFormat();
  const charts = useCharts();
  const [open, setOpen] = useState(false);
  const id = useId();
  const tableId = `${id}-table`;
  return (
    <BlockStack gap="200">
      <figure
        aria-label={label}
        aria-describedby={description ? `${id}-desc` : undefined}
        style={{ margin: 0 }}
      >
        {description ? (
          <Text as="span" visuallyHidden>
            <span id={`${id}-desc`}>{description}</span>
          </Text>
        ) : null}
        {charts === "failed" ? (
          <Banner tone="warning">
            <p>{f.t("chart.error")}</p>
          </Banner>
        ) : charts ? (
          chart(charts)
        ) : (
          <ChartPlaceholder height={height} />
        )}
      </figure>
      <Box>
        <Button
          variant="plain"
          disclosure={open ? "up" : "down"}
          onClick={() => setOpen((v) => !v)}
          ariaExpanded={open}
          ariaControls={tableId}
        >
          {open ? f.t("table.hide") : f.t("table.show")}
        </Button>
      </Box>
      <Collapsible id={tableId} open={open} transition={false}>
        <DataTable
          columnContentTypes={table.types ?? table.headings.map((_, i) => (i === 0 ? "text" : "numeric"))}
          headings={table.headings}
          rows={table.rows}
          increasedTableDensity
        />
      </Collapsible>
    </BlockStack>
  );
}

export function ChartPlaceholder({ height = 260 }: { height?: number }) {
  const f = useAnalyticsFormat();
  return (
    <div style={{ height, overflow: "hidden" }} aria-busy="true">
      <Text as="span" visuallyHidden>
        {f.t("chart.loading")}
      </Text>
      <SkeletonBodyText lines={Math.max(3, Math.floor(height / 32))} />
    </div>
  );
}
