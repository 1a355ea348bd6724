/**
 * The charts (@shopify/polaris-viz), in a `.client` module: Remix leaves it out of the server build and the
 * page loads it after hydration (polaris-viz measures the DOM), so server rendering never touches it.
 * Each chart has its own PolarisVizProvider (themes) and polaris-viz's error boundary (`errorText`).
 */
import {
  BarChart,
  FunnelChartNext,
  LineChart,
  PolarisVizProvider,
  type DataSeries,
} from "@shopify/polaris-viz";

export interface ChartCommon {
  data: DataSeries[];
  errorText: string;
  emptyText: string;
  xLabel?: (value: string) => string;
  yLabel?: (value: number) => string;
  tooltipValue?: (value: number) => string;
}

const HEIGHT = 260;

function Frame({ children, height = HEIGHT }: { children: React.ReactNode; height?: number }) {
  return (
    <PolarisVizProvider>
      <div style={{ height }}>{children}</div>
    </PolarisVizProvider>
  );
}

export function LineChartView({ data, errorText, emptyText, xLabel, yLabel }: ChartCommon) {
  return (
    <Frame>
      <LineChart
        data={data}
        theme="Light"
        isAnimated={false}
        errorText={errorText}
        emptyStateText={emptyText}
        xAxisOptions={{ labelFormatter: (v) => (xLabel ? xLabel(String(v)) : String(v)) }}
        yAxisOptions={{
          labelFormatter: (v) => (yLabel ? yLabel(Number(v)) : String(v)),
          integersOnly: !yLabel,
        }}
      />
    </Frame>
  );
}

export function BarChartView({
  data,
  errorText,
  emptyText,
  xLabel,
  yLabel,
  stacked,
}: ChartCommon & { stacked?: boolean }) {
  return (
    <Frame>
      <BarChart
        data={data}
        theme="Light"
        isAnimated={false}
        type={stacked ? "stacked" : "default"}
        errorText={errorText}
        emptyStateText={emptyText}
        xAxisOptions={{ labelFormatter: (v) => (xLabel ? xLabel(String(v)) : String(v)) }}
        yAxisOptions={{
          labelFormatter: (v) => (yLabel ? yLabel(Number(v)) : String(v)),
          integersOnly: !yLabel,
        }}
      />
    </Frame>
  );
}

export function FunnelView({
  data,
  errorText,
  tooltipValue,
  percent,
  reached,
  dropped,
}: ChartCommon & { percent: (value: number) => string; reached: string; dropped: string }) {
  return (
    <Frame height={300}>
      <FunnelChartNext
        data={data}
        theme="Light"
        isAnimated={false}
        errorText={errorText}
        tooltipLabels={{ reached, dropped }}
        labelFormatter={(v) => (tooltipValue ? tooltipValue(Number(v)) : String(v))}
        percentageFormatter={(v) => percent(v / 100)}
      />
    </Frame>
  );
}
